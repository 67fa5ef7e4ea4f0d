/** The engine's inputs and outputs live in the contract, report/advice.ts. */
export type * from '../report/advice';
