"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
var vitest_config_1 = require("@mixtape/vitest-config");
exports.default = (0, vitest_config_1.createVitestConfig)();
