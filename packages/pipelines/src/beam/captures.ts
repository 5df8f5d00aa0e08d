// Beam serializes every function it runs (serialize-closures): what a function may use besides its
// arguments and globals is what its `__closure` names.
type Closure = () => Record<string, unknown>;

/** Marks what a function captures, the way Beam's own compiled code does (ts-closure-transform). */
export function captures<F extends (...args: never[]) => unknown>(fn: F, closure: Closure): F {
  (fn as unknown as { __closure: Closure }).__closure = closure;
  return fn;
}
