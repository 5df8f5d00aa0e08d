// Child process for the benchmark: runs s3rver on 127.0.0.1 in its own process (as a real S3
// endpoint would be), reports the endpoint over IPC and stops on "stop" or disconnect.
import { startLocalS3 } from '../src/testing/index';

const directory = process.argv[2];
if (!directory) throw new Error('usage: local-s3-server.ts <directory>');
const s3 = await startLocalS3({ directory });
process.send?.({ endpoint: s3.endpoint });
const stop = async (): Promise<void> => {
  await s3.stop();
  process.exit(0);
};
process.on('message', (message) => {
  if (message === 'stop') void stop();
});
process.on('disconnect', () => void stop());
