"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.nativeAddon = nativeAddon;
exports.isNativeAvailable = isNativeAvailable;
// Loads the compiled addon on first use (never at import), so packages that only sometimes
// train (services import @mixtape/ranking for scoring) never touch native code.
var node_module_1 = require("node:module");
var ADDON_PATH = new URL('../build/Release/mixtape_native.node', import.meta.url);
var addon;
var loadError;
/** The addon, or a clear error saying how to build it. */
function nativeAddon() {
    if (addon)
        return addon;
    if (loadError)
        throw loadError;
    try {
        addon = (0, node_module_1.createRequire)(import.meta.url)(ADDON_PATH.pathname);
        return addon;
    }
    catch (error) {
        loadError = new Error("@mixtape/native: the addon at ".concat(ADDON_PATH.pathname, " could not be loaded (").concat(error.message, "). ") +
            'Build it with `pnpm --filter @mixtape/native rebuild:addon` after `bash tooling/scripts/setup.sh` (needs libxgboost-dev, libopenblas-dev, g++).', { cause: error });
        throw loadError;
    }
}
/** True when the addon loads (it is built by `pnpm install` on a machine set up by setup.sh). */
function isNativeAvailable() {
    try {
        nativeAddon();
        return true;
    }
    catch (_a) {
        return false;
    }
}
