// Prints one plain closing line, "N passed, N failed, N skipped", after the
// default vitest report, so CI logs state the result without colour codes.
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };

    for (const testModule of testModules) {
      let testsInModule = 0;

      for (const test of testModule.children.allTests()) {
        testsInModule += 1;

        const state = test.result().state;
        if (state === 'passed') counts.passed += 1;
        else if (state === 'failed') counts.failed += 1;
        else counts.skipped += 1;
      }

      // A file that failed to load has no tests but must still count as a failure.
      if (testsInModule === 0 && testModule.state() === 'failed') counts.failed += 1;
    }

    process.stdout.write(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  }
}
