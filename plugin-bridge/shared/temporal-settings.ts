/** What a plugin's config says about its Temporal connection (read by `TemporalBridge`). */
import type { Tracing } from './tracing.ts';

/** Connection settings from the plugin config; unset values come from the Temporal environment configuration. */
export interface TemporalSettings {
  readonly address?: string;
  readonly namespace?: string;
  readonly profile?: string;
  /** The payload key file (plugin config `payloadKeyFile`); unset: the environment, see `codec/data-converter.ts`. */
  readonly payloadKeyFile?: string;
  /** Calls in flight at once; more wait for a slot until their deadline (see admission.ts). @default 8 */
  readonly maxInFlight?: number;
  /** OpenTelemetry tracing of the client's calls; unset: from the `OTEL_*` environment (see tracing.ts), off by default. */
  readonly tracing?: Tracing | null;
}
