/** Proves a worker is polling the task queue (the readiness check and `npm start` use it). */
export async function pingWorkflow(message: string): Promise<string> {
  return `pong: ${message}`;
}
