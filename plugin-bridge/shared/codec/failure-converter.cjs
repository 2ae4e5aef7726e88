// The failure converter of every client, worker and workflow bundle of the project (issue 18): failure messages
// and stack traces are moved into an encoded payload, which the payload codec then encrypts like any other, so
// a secret in an error message is not stored in plain text in history. The SDK loads it by path
// (`failureConverterPath`, bundled into the workflow code too), so it is plain CommonJS: every runtime that
// loads the project (tsx on Node 20, OpenClaw's loader on Node 24, the workflow bundler) requires it as is.
'use strict';
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
