"use strict";
var __assign = (this && this.__assign) || function () {
    __assign = Object.assign || function(t) {
        for (var s, i = 1, n = arguments.length; i < n; i++) {
            s = arguments[i];
            for (var p in s) if (Object.prototype.hasOwnProperty.call(s, p))
                t[p] = s[p];
        }
        return t;
    };
    return __assign.apply(this, arguments);
};
Object.defineProperty(exports, "__esModule", { value: true });
var vitest_1 = require("vitest");
var xgboost_1 = require("./xgboost");
/** Queries of 30 items; relevance depends on features 0 and 1 (with an interaction), feature 2 is noise. */
function rankingData(queries, seed) {
    var state = seed;
    var next = function () { return ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296); };
    var size = 30;
    var cols = 3;
    var rows = queries * size;
    var features = new Float32Array(rows * cols);
    var labels = new Float32Array(rows);
    for (var r = 0; r < rows; r++) {
        for (var c = 0; c < cols; c++)
            features[r * cols + c] = next();
        var a = features[r * cols];
        var b = features[r * cols + 1];
        labels[r] = a > 0.7 && b > 0.5 ? 2 : a > 0.8 || b > 0.9 ? 1 : 0;
    }
    return { features: features, rows: rows, cols: cols, labels: labels, groups: new Uint32Array(queries).fill(size) };
}
var params = { objective: 'rank:ndcg', eval_metric: 'ndcg@10', max_depth: 3, eta: 0.3, min_child_weight: 0.01, nthread: 1, seed: 7 };
(0, vitest_1.describe)('XGBoost through the addon', function () {
    (0, vitest_1.it)('reports the library version', function () {
        (0, vitest_1.expect)((0, xgboost_1.xgboostVersion)()).toMatch(/^1\.\d+\.\d+$/);
    });
    (0, vitest_1.it)('learns a ranking with rank:ndcg, evaluates every round and stops early on validation', function () {
        var rounds = [];
        var trained = (0, xgboost_1.trainXGBoost)(rankingData(60, 1), {
            params: params,
            rounds: 200,
            validation: rankingData(30, 2),
            earlyStoppingRounds: 10,
            onRound: function (round) { return rounds.push(round.metrics['validation-ndcg@10']); },
        });
        (0, vitest_1.expect)(trained.watched).toBe('validation-ndcg@10');
        (0, vitest_1.expect)(trained.bestScore).toBeGreaterThan(0.9);
        (0, vitest_1.expect)(trained.bestScore).toBe(Math.max.apply(Math, rounds));
        (0, vitest_1.expect)(rounds.length).toBeLessThan(200);
        (0, vitest_1.expect)(rounds.length).toBe(trained.rounds + 10);
        var model = JSON.parse(trained.modelJson);
        (0, vitest_1.expect)(model.learner.gradient_booster.model.trees).toHaveLength(trained.rounds);
    });
    (0, vitest_1.it)('predicts from the saved JSON model: relevant rows score above irrelevant ones', function () {
        var train = rankingData(60, 1);
        var trained = (0, xgboost_1.trainXGBoost)(train, { params: params, rounds: 20 });
        var test = rankingData(5, 9);
        var scores = (0, xgboost_1.predictXGBoost)(trained.modelJson, test);
        var sums = [0, 0];
        var counts = [0, 0];
        for (var r = 0; r < test.rows; r++) {
            var side = test.labels[r] > 0 ? 0 : 1;
            sums[side] += scores[r];
            counts[side]++;
        }
        (0, vitest_1.expect)(sums[0] / counts[0] - sums[1] / counts[1]).toBeGreaterThan(0.5);
        (0, vitest_1.expect)((0, xgboost_1.dumpXGBoost)(trained.modelJson)).toHaveLength(20);
    });
    (0, vitest_1.it)('turns library errors into messages that name the cause', function () {
        (0, vitest_1.expect)(function () { return (0, xgboost_1.trainXGBoost)(rankingData(2, 1), { params: __assign(__assign({}, params), { objective: 'rank:nonsense' }), rounds: 1 }); }).toThrow(/Unknown objective function: `rank:nonsense`/);
        var data = rankingData(2, 1);
        (0, vitest_1.expect)(function () { return (0, xgboost_1.trainXGBoost)(__assign(__assign({}, data), { groups: new Uint32Array([10]) }), { params: params, rounds: 1 }); }).toThrow(/groups cover 10 rows, the data has 60/);
        (0, vitest_1.expect)(function () { return (0, xgboost_1.predictXGBoost)('{"not": "a model"}', data); }).toThrow(/XGBoosterLoadModelFromBuffer/);
    });
    (0, vitest_1.it)('parses evaluation lines', function () {
        (0, vitest_1.expect)((0, xgboost_1.parseEvaluation)('[3]\ttrain-ndcg@10:0.5\tvalidation-ndcg@10:0.25')).toEqual({ 'train-ndcg@10': 0.5, 'validation-ndcg@10': 0.25 });
    });
});
