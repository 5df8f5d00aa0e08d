export { createProgram, runCli } from './cli';
