"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.xgboostVersion = xgboostVersion;
exports.parseEvaluation = parseEvaluation;
exports.trainXGBoost = trainXGBoost;
exports.predictXGBoost = predictXGBoost;
exports.dumpXGBoost = dumpXGBoost;
// XGBoost training through its C API (Debian's libxgboost, 1.7): dense Float32Array features,
// ranking groups, per-round evaluation with early stopping, the model as XGBoost JSON.
var addon_1 = require("./addon");
function xgboostVersion() {
    return (0, addon_1.nativeAddon)().xgbVersion().join('.');
}
function dmatrix(data, where) {
    var features = data.features, rows = data.rows, cols = data.cols;
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows <= 0 || cols <= 0)
        throw new RangeError("".concat(where, ": rows and cols must be positive integers, got ").concat(rows, " \u00D7 ").concat(cols));
    if (features.length !== rows * cols)
        throw new RangeError("".concat(where, ": features hold ").concat(features.length, " values, expected ").concat(rows, " \u00D7 ").concat(cols));
    var addon = (0, addon_1.nativeAddon)();
    var handle = addon.xgbDMatrix(features, rows, cols, Number.NaN);
    if (data.labels) {
        if (data.labels.length !== rows)
            throw new RangeError("".concat(where, ": ").concat(data.labels.length, " labels for ").concat(rows, " rows"));
        addon.xgbSetFloatInfo(handle, 'label', data.labels);
    }
    if (data.groups) {
        var total = 0;
        for (var _i = 0, _a = data.groups; _i < _a.length; _i++) {
            var size = _a[_i];
            total += size;
        }
        if (total !== rows)
            throw new RangeError("".concat(where, ": groups cover ").concat(total, " rows, the data has ").concat(rows));
        addon.xgbSetUIntInfo(handle, 'group', data.groups);
    }
    if (data.weights)
        addon.xgbSetFloatInfo(handle, 'weight', data.weights);
    return handle;
}
/** "[3]\ttrain-ndcg@10:0.41\tvalidation-ndcg@10:0.38" → metrics by name. */
function parseEvaluation(line) {
    var metrics = {};
    for (var _i = 0, _a = line.split('\t').slice(1); _i < _a.length; _i++) {
        var part = _a[_i];
        var at = part.lastIndexOf(':');
        if (at > 0)
            metrics[part.slice(0, at)] = Number(part.slice(at + 1));
    }
    return metrics;
}
/** Trains a booster; with `validation` + `earlyStoppingRounds` keeps the best round's trees. */
function trainXGBoost(train, options) {
    var _a, _b;
    var addon = (0, addon_1.nativeAddon)();
    var dtrain = dmatrix(train, 'train');
    var dvalidation = options.validation ? dmatrix(options.validation, 'validation') : undefined;
    var cache = dvalidation ? [dtrain, dvalidation] : [dtrain];
    var booster = addon.xgbBooster(cache);
    try {
        for (var _i = 0, _c = Object.entries(options.params); _i < _c.length; _i++) {
            var _d = _c[_i], name_1 = _d[0], value = _d[1];
            addon.xgbSetParam(booster, name_1, String(value));
        }
        var history_1 = [];
        var best = { round: -1, score: Number.NaN };
        var watched = void 0;
        var sets = dvalidation ? [dtrain, dvalidation] : [dtrain];
        var names = dvalidation ? ['train', 'validation'] : ['train'];
        for (var round = 0; round < options.rounds; round++) {
            (_a = options.signal) === null || _a === void 0 ? void 0 : _a.throwIfAborted();
            addon.xgbUpdateOneIter(booster, round, dtrain);
            var metrics = parseEvaluation(addon.xgbEvalOneIter(booster, round, sets, names));
            var entry = { round: round, metrics: metrics };
            history_1.push(entry);
            (_b = options.onRound) === null || _b === void 0 ? void 0 : _b.call(options, entry);
            if (!dvalidation)
                continue;
            watched !== null && watched !== void 0 ? watched : (watched = Object.keys(metrics).filter(function (name) { return name.startsWith('validation-'); }).pop());
            var score = watched === undefined ? Number.NaN : metrics[watched];
            var better = best.round < 0 || (options.minimize ? score < best.score : score > best.score);
            if (better)
                best = { round: round, score: score };
            else if (options.earlyStoppingRounds !== undefined && round - best.round >= options.earlyStoppingRounds)
                break;
        }
        var rounds = dvalidation && options.earlyStoppingRounds !== undefined ? best.round + 1 : history_1.length;
        return {
            modelJson: keepRounds(addon.xgbSaveJson(booster), rounds),
            rounds: rounds,
            bestScore: dvalidation ? (options.earlyStoppingRounds !== undefined ? best.score : history_1[history_1.length - 1].metrics[watched !== null && watched !== void 0 ? watched : '']) : undefined,
            watched: watched,
            history: history_1,
        };
    }
    finally {
        addon.xgbFree(booster);
        for (var _e = 0, cache_1 = cache; _e < cache_1.length; _e++) {
            var handle = cache_1[_e];
            addon.xgbFree(handle);
        }
    }
}
/** Drops the trees of rounds ≥ `rounds` (one tree per round: single-output objectives). */
function keepRounds(json, rounds) {
    var model = JSON.parse(json);
    var booster = model.learner.gradient_booster.model;
    if (booster.trees.length <= rounds)
        return json;
    booster.trees = booster.trees.slice(0, rounds);
    booster.tree_info = booster.tree_info.slice(0, rounds);
    booster.gbtree_model_param.num_trees = String(rounds);
    if (booster.iteration_indptr)
        booster.iteration_indptr = booster.iteration_indptr.slice(0, rounds + 1);
    return JSON.stringify(model);
}
/** Predictions of a JSON model (margins by default: what a ranker serves). */
function predictXGBoost(modelJson, data, options) {
    var _a;
    if (options === void 0) { options = {}; }
    var addon = (0, addon_1.nativeAddon)();
    var booster = addon.xgbLoadJson(modelJson);
    var handle = dmatrix(data, 'predict');
    try {
        return addon.xgbPredict(booster, handle, (_a = options.outputMargin) !== null && _a !== void 0 ? _a : true, 0);
    }
    finally {
        addon.xgbFree(handle);
        addon.xgbFree(booster);
    }
}
/** One JSON tree per entry, with gain/cover when `withStats` (feature importance, inspection). */
function dumpXGBoost(modelJson, withStats) {
    if (withStats === void 0) { withStats = true; }
    var addon = (0, addon_1.nativeAddon)();
    var booster = addon.xgbLoadJson(modelJson);
    try {
        return addon.xgbDump(booster, withStats);
    }
    finally {
        addon.xgbFree(booster);
    }
}
