"use strict";
var __extends = (this && this.__extends) || (function () {
    var extendStatics = function (d, b) {
        extendStatics = Object.setPrototypeOf ||
            ({ __proto__: [] } instanceof Array && function (d, b) { d.__proto__ = b; }) ||
            function (d, b) { for (var p in b) if (Object.prototype.hasOwnProperty.call(b, p)) d[p] = b[p]; };
        return extendStatics(d, b);
    };
    return function (d, b) {
        if (typeof b !== "function" && b !== null)
            throw new TypeError("Class extends value " + String(b) + " is not a constructor or null");
        extendStatics(d, b);
        function __() { this.constructor = d; }
        d.prototype = b === null ? Object.create(b) : (__.prototype = b.prototype, new __());
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.NotPositiveDefiniteError = void 0;
exports.choleskyInverse = choleskyInverse;
exports.blasThreads = blasThreads;
// LAPACK through OpenBLAS: the dense SPD inverse EASE needs (n³ flops; OpenBLAS runs it an
// order of magnitude faster than a JS loop and uses every BLAS thread it is given).
var addon_1 = require("./addon");
var NotPositiveDefiniteError = /** @class */ (function (_super) {
    __extends(NotPositiveDefiniteError, _super);
    function NotPositiveDefiniteError(order, n) {
        var _this = _super.call(this, "choleskyInverse: the leading minor of order ".concat(order, " of the ").concat(n, " \u00D7 ").concat(n, " matrix is not positive definite (raise the regularization)")) || this;
        _this.order = order;
        _this.name = 'NotPositiveDefiniteError';
        return _this;
    }
    return NotPositiveDefiniteError;
}(Error));
exports.NotPositiveDefiniteError = NotPositiveDefiniteError;
/**
 * Replaces the symmetric positive-definite n × n matrix (row-major, Float64Array or
 * Float32Array) by its inverse: Cholesky factorization (potrf) then inverse (potri), both
 * triangles filled. Throws NotPositiveDefiniteError (matrix contents then undefined).
 */
function choleskyInverse(matrix, n) {
    if (!Number.isInteger(n) || n <= 0 || matrix.length !== n * n) {
        throw new RangeError("choleskyInverse: matrix holds ".concat(matrix.length, " values, expected n \u00D7 n with n = ").concat(n));
    }
    var info = (0, addon_1.nativeAddon)().choleskyInverse(matrix, n);
    if (info > 0)
        throw new NotPositiveDefiniteError(info, n);
    if (info < 0)
        throw new Error("choleskyInverse: LAPACK rejected argument ".concat(-info));
}
/** OpenBLAS threads: sets them when `threads` is given; returns the count in effect. */
function blasThreads(threads) {
    if (threads !== undefined && (!Number.isInteger(threads) || threads < 1))
        throw new RangeError("blasThreads: expected a positive integer, got ".concat(threads));
    return (0, addon_1.nativeAddon)().blasThreads(threads);
}
