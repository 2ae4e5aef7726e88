/**
 * Reading a model request as the session that sent it: which `[Subagent Task]` it runs and what its own tools
 * returned. A thread-bound subagent's transcript is forked from its requester's (OpenClaw's default spawn context),
 * so a session's own part starts at the first task message OpenClaw wrote for it.
 */
import { textOf, type ModelRequest } from './fakes/model-server.ts';

/** The words OpenClaw puts at the start of every subagent's task message. */
export const SUBAGENT_TASK_MARK = 'You are running as a subagent';

/** The part of the transcript that is this session's own (all of it for a session that is no subagent). */
export function ownMessages(request: ModelRequest): ModelRequest['messages'] {
  const start = request.messages.findIndex((m) => m.role === 'user' && textOf(m.content).includes(SUBAGENT_TASK_MARK));
  return start === -1 ? request.messages : request.messages.slice(start);
}

/** This session's tool results so far, oldest first. */
export function toolResults(request: ModelRequest): string[] {
  return ownMessages(request).filter((m) => m.role === 'tool').map((m) => textOf(m.content));
}

/** The subagent task this request runs, or undefined for a session that is no subagent. */
export function subagentTask(request: ModelRequest): string | undefined {
  const task = textOf(ownMessages(request)[0]?.content);
  return task.includes(SUBAGENT_TASK_MARK) ? task : undefined;
}

/**
 * True when this session's own last step was a tool result (its next model call in the same run). A forked
 * transcript ends its copied part with the requester's tool call, so only the session's own messages count.
 */
export function afterOwnToolResult(request: ModelRequest): boolean {
  return ownMessages(request).findLast((m) => m.role === 'assistant' || m.role === 'tool')?.role === 'tool';
}
