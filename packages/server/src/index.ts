export { buildApp, type AppOptions } from './app.ts';
export { startServer, type RunningServer, type ServerOptions } from './server.ts';
