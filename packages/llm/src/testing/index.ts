// Test helpers for packages and services that call a model: import from "@mixtape/llm/testing".
export {
  startFakeChatServer,
  replyWithContent,
  replyWithJson,
  replyWithError,
  replyHang,
  replyDisconnect,
  extractRequestText,
  createOfflinePlanResponder,
} from './fake-chat-server';
export type {
  FakeChatReply,
  FakeChatServer,
  FakeChatServerOptions,
  FakeChatResponder,
  RecordedChatRequest,
  ChatCompletionBody,
} from './fake-chat-server';
