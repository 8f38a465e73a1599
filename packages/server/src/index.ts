export { buildApp, type AppOptions } from './app.ts';
export { startServer, type RunningServer, type ServerOptions } from './server.ts';
export { readBootstrapFile, BOOTSTRAP_FILE, type BootstrapInfo } from './bootstrap.ts';
export { startGateway, type Gateway, type GatewayOptions } from './gateway/index.ts';
