/** The install and protect states live in the contract, report/install.ts. */
export type * from '../report/install';
