import type * as protoTypes from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';
import { createRequire } from 'node:module';

type History = protoTypes.temporal.api.history.v1.IHistory;

/*
 * The SDK's historyToJSON/historyFromJSON (@temporalio/common) fail in this install with "type must
 * be a Type": npm gives @temporalio/common and @temporalio/proto separate copies of protobufjs 8
 * (the top-level slot holds @grpc/proto-loader's protobufjs 7), and protojson checks the type with
 * `instanceof`. Taking protojson from the copy @temporalio/proto itself resolves keeps the two the
 * same, whatever npm hoists. The JSON is the one Temporal's tools write (constant-case enums).
 */
const require = createRequire(import.meta.url);
// The CommonJS module object itself: an ESM namespace object has no prototype for the patch to read.
const proto = require('@temporalio/proto') as typeof protoTypes;
const requireFromProto = createRequire(require.resolve('@temporalio/proto'));
const { fromJson, toJson } = requireFromProto('protobufjs/ext/protojson') as {
  fromJson(type: unknown, json: unknown, opts?: object): unknown;
  toJson(type: unknown, message: unknown): unknown;
};
const historyType = (patchProtobufRoot(proto) as any).lookupType('temporal.api.history.v1.History');

/** A fetched history as Temporal's JSON history format, for a file in the repository. */
export function historyToJson(history: History): string {
  const message = proto.temporal.api.history.v1.History.fromObject(history);
  return JSON.stringify(toJson(historyType, message), null, 2);
}

/** A history file back as the object Worker.runReplayHistories takes. */
export function historyFromJson(json: string): History {
  return fromJson(historyType, JSON.parse(json), { ignoreUnknownFields: true }) as History;
}
