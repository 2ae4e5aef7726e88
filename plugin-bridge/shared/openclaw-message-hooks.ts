/**
 * OpenClaw's message hooks as the bridge sees them (openclaw@2026.9.6, structural types): `message_received`,
 * `message_sending` and `reply_payload_sending` — their context, events and results. Re-exported by
 * `openclaw-types.ts`, whose `HookHandlers` names them.
 */

/** `message_received` / `message_sending` context. */
export interface MessageContext {
  readonly channelId: string;
  readonly accountId?: string;
  readonly conversationId?: string;
  readonly sessionKey?: string;
  readonly messageId?: string;
  readonly senderId?: string;
}

export interface MessageReceivedEvent {
  readonly from: string;
  readonly content: string;
  readonly timestamp?: number;
  readonly messageId?: string;
  readonly metadata?: Record<string, unknown>;
}

export interface MessageSendingEvent {
  readonly to: string;
  readonly content: string;
  readonly metadata?: Record<string, unknown>;
}

export interface MessageSendingResult {
  content?: string;
  cancel?: boolean;
  cancelReason?: string;
}

/** The parts of OpenClaw's `ReplyPayload` the bridge reads. */
export interface ReplyPayload {
  readonly text?: string;
  readonly mediaUrl?: string;
  readonly mediaUrls?: readonly string[];
}

/** `reply_payload_sending`: a normalized reply payload about to be delivered (context: {@link MessageContext}). */
export interface ReplyPayloadSendingEvent {
  readonly payload: ReplyPayload;
  readonly kind?: string;
  readonly channel?: string;
}

export interface ReplyPayloadSendingResult {
  payload?: ReplyPayload;
  cancel?: boolean;
  reason?: string;
}
