// Every workflow the worker registers. Deterministic code only: see ../STYLE notes in docs/.
export { pingWorkflow } from './ping';
