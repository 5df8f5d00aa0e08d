// @mixtape/base's order-independent sums, marked for Beam's serializer (they use only Math), so
// the combiners that run them on workers can capture them.
import { addExact, roundExact } from '@mixtape/base';
import { captures } from './captures';

captures(addExact, () => ({ Math }));
captures(roundExact, () => ({}));

export { addExact, roundExact };
