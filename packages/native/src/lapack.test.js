"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
var vitest_1 = require("vitest");
var lapack_1 = require("./lapack");
function randomSpd(n, seed, Type) {
    var state = seed;
    var next = function () { return ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296 - 0.5); };
    var x = Array.from({ length: n * n }, next);
    var a = new Type(n * n);
    for (var i = 0; i < n; i++)
        for (var j = 0; j < n; j++) {
            var sum = i === j ? n : 0;
            for (var k = 0; k < n; k++)
                sum += x[i * n + k] * x[j * n + k];
            a[i * n + j] = sum;
        }
    return a;
}
function maxErrorOfProduct(a, inverse, n) {
    var worst = 0;
    for (var i = 0; i < n; i++)
        for (var j = 0; j < n; j++) {
            var sum = 0;
            for (var k = 0; k < n; k++)
                sum += a[i * n + k] * inverse[k * n + j];
            worst = Math.max(worst, Math.abs(sum - (i === j ? 1 : 0)));
        }
    return worst;
}
(0, vitest_1.describe)('choleskyInverse', function () {
    (0, vitest_1.it)('inverts a symmetric positive-definite matrix in double precision, both triangles filled', function () {
        var n = 57;
        var a = randomSpd(n, 3, Float64Array);
        var inverse = a.slice();
        (0, lapack_1.choleskyInverse)(inverse, n);
        (0, vitest_1.expect)(maxErrorOfProduct(a, inverse, n)).toBeLessThan(1e-10);
        for (var i = 0; i < n; i++)
            for (var j = 0; j < i; j++)
                (0, vitest_1.expect)(inverse[i * n + j]).toBe(inverse[j * n + i]);
    });
    (0, vitest_1.it)('inverts in single precision too', function () {
        var n = 40;
        var a = randomSpd(n, 9, Float32Array);
        var inverse = a.slice();
        (0, lapack_1.choleskyInverse)(inverse, n);
        (0, vitest_1.expect)(maxErrorOfProduct(a, inverse, n)).toBeLessThan(1e-4);
    });
    (0, vitest_1.it)('names the failing minor of a matrix that is not positive definite', function () {
        var matrix = new Float64Array([1, 2, 2, 1]);
        (0, vitest_1.expect)(function () { return (0, lapack_1.choleskyInverse)(matrix, 2); }).toThrow(lapack_1.NotPositiveDefiniteError);
        (0, vitest_1.expect)(function () { return (0, lapack_1.choleskyInverse)(new Float64Array([1, 2, 2, 1]), 2); }).toThrow(/leading minor of order 2/);
    });
    (0, vitest_1.it)('refuses a buffer that is not n × n', function () {
        (0, vitest_1.expect)(function () { return (0, lapack_1.choleskyInverse)(new Float64Array(5), 2); }).toThrow(/expected n × n/);
    });
    (0, vitest_1.it)('reports and sets OpenBLAS threads', function () {
        var before = (0, lapack_1.blasThreads)();
        (0, vitest_1.expect)((0, lapack_1.blasThreads)(1)).toBe(1);
        (0, lapack_1.blasThreads)(before);
    });
});
