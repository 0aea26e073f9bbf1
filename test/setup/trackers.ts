/**
 * The kinds of ledger state are declared by the tracker modules and registered by
 * src/track/registry.ts (model/state-kind.ts). Tests that drive the ledger, the cost model or the
 * verdicts alone, without the pipeline, need them registered all the same: as a library user gets
 * them by importing statecap.
 */
import '../../src/track/registry.js';
