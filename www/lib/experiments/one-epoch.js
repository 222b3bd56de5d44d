// Worker side of "one epoch, exactly" (Smith et al. 2021; SCIENCE §10): one computation, no run.
// The result is a few dozen numbers (plain arrays), so nothing is transferred.
import * as wasm from '../../pkg/implicit/noiselab_wasm.js';

export default {
  fields: () => wasm.oneEpochFields(),
  historyFields: () => [],
  check: (settings) => wasm.oneEpochCheck(settings),
  compute: (settings) => [wasm.oneEpochCompute(settings), []],
};
