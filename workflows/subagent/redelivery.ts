/**
 * The re-delivery schedule of one retry and the words its Web UI details use, as pure functions.
 */
import type { RetryRedelivery } from './contract.ts';

/** One delivery, as the retries of recordings made before re-delivery existed had. */
export const SINGLE_DELIVERY: RetryRedelivery = { maxDeliveries: 1, multiplier: 1, maxIntervalMs: Number.MAX_SAFE_INTEGER };

/** How long delivery `n` (1-based) waits for the respawn: pickupTimeoutMs × multiplier^(n−1), at most maxIntervalMs. */
export function waitAfterDeliveryMs(pickupTimeoutMs: number, redelivery: RetryRedelivery, n: number): number {
  return Math.min(Math.max(redelivery.maxIntervalMs, pickupTimeoutMs), Math.round(pickupTimeoutMs * redelivery.multiplier ** (n - 1)));
}

/** 1 → "1st", 2 → "2nd", 3 → "3rd", 4 → "4th". */
export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

/** `12:04` (UTC) of an epoch time. */
export function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

/** "delivered to agent:main:main at 12:04, waiting for respawn, 2nd delivery at 12:14" (or "gives up at …"). */
export function waitingDetails(requester: string, deliveredAt: number, delivery: number, maxDeliveries: number, until: number): string {
  const next = delivery < maxDeliveries ? `${ordinal(delivery + 1)} delivery at ${clock(until)}` : `gives up at ${clock(until)}`;
  return `delivered to ${requester} at ${clock(deliveredAt)} (${ordinal(delivery)} of ${maxDeliveries}), waiting for respawn, ${next}`;
}
