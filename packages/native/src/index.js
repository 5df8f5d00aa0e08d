"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.xgboostVersion = exports.trainXGBoost = exports.predictXGBoost = exports.parseEvaluation = exports.dumpXGBoost = exports.choleskyInverse = exports.blasThreads = exports.NotPositiveDefiniteError = exports.nativeAddon = exports.isNativeAvailable = void 0;
// Public API of @mixtape/native: explicit named re-exports only.
var addon_1 = require("./addon");
Object.defineProperty(exports, "isNativeAvailable", { enumerable: true, get: function () { return addon_1.isNativeAvailable; } });
Object.defineProperty(exports, "nativeAddon", { enumerable: true, get: function () { return addon_1.nativeAddon; } });
var lapack_1 = require("./lapack");
Object.defineProperty(exports, "NotPositiveDefiniteError", { enumerable: true, get: function () { return lapack_1.NotPositiveDefiniteError; } });
Object.defineProperty(exports, "blasThreads", { enumerable: true, get: function () { return lapack_1.blasThreads; } });
Object.defineProperty(exports, "choleskyInverse", { enumerable: true, get: function () { return lapack_1.choleskyInverse; } });
var xgboost_1 = require("./xgboost");
Object.defineProperty(exports, "dumpXGBoost", { enumerable: true, get: function () { return xgboost_1.dumpXGBoost; } });
Object.defineProperty(exports, "parseEvaluation", { enumerable: true, get: function () { return xgboost_1.parseEvaluation; } });
Object.defineProperty(exports, "predictXGBoost", { enumerable: true, get: function () { return xgboost_1.predictXGBoost; } });
Object.defineProperty(exports, "trainXGBoost", { enumerable: true, get: function () { return xgboost_1.trainXGBoost; } });
Object.defineProperty(exports, "xgboostVersion", { enumerable: true, get: function () { return xgboost_1.xgboostVersion; } });
