// One entry of the contract: the zod schemas of a call's input and output. No runtime deps beyond zod.
import type { z } from 'zod';

export const call = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O) => ({ input, output });
