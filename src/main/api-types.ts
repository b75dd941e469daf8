import type { CallOutput, Channel, ParsedInput } from '../shared/contract';

/** One handler per channel: gets the parsed (validated) input, returns the call's output. */
export type Handlers = { [C in Channel]: (input: ParsedInput<C>) => Promise<CallOutput<C>> };
/** The handlers of the channels whose names start with `${P}.` (one capability's part). */
export type HandlersOf<P extends string> = { [C in Channel as C extends `${P}.${string}` ? C : never]: Handlers[C] };
