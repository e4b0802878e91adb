/** `node --import tsx worker/write-workflow-bundle.ts <out>`: run by bundleWorkflowsInChildProcess. */
import { writeWorkflowBundle } from './bundle-workflows';

const out = process.argv[2];
if (!out) {
  console.error('usage: write-workflow-bundle.ts <output file>');
  process.exit(2);
}
writeWorkflowBundle(out).catch((err) => {
  console.error(err);
  process.exit(1);
});
