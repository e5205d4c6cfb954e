// The few grpc.testing messages (messages.proto) the page needs, written by hand on
// google-protobuf's BinaryWriter and BinaryReader: protoc-gen-grpc-web and protoc-gen-js are not
// available here (their npm wrappers download binaries from GitHub), and grpc-web needs only a
// serialize and a deserialize function per method.
import { BinaryReader, BinaryWriter } from 'google-protobuf';

/** SimpleRequest: response_size = 2, payload = 3 (Payload.body = 2), response_status = 7. */
export class SimpleRequest {
  constructor({ responseSize = 0, payloadSize = 0, status = null } = {}) {
    this.responseSize = responseSize;
    this.payloadSize = payloadSize;
    this.status = status;
  }

  serializeBinary() {
    const writer = new BinaryWriter();
    writer.writeInt32(2, this.responseSize);
    writePayload(writer, 3, this.payloadSize);
    writeStatus(writer, 7, this.status);
    return writer.getResultBuffer();
  }
}

/** StreamingOutputCallRequest: response_parameters = 2 (ResponseParameters.size = 1). */
export class StreamingOutputCallRequest {
  constructor(sizes) {
    this.sizes = sizes;
  }

  serializeBinary() {
    const writer = new BinaryWriter();
    for (const size of this.sizes) {
      writer.writeMessage(2, size, (value, inner) => inner.writeInt32(1, value));
    }
    return writer.getResultBuffer();
  }
}

/** SimpleResponse and StreamingOutputCallResponse: both carry payload = 1; only its size is kept. */
export class PayloadResponse {
  constructor(payloadSize) {
    this.payloadSize = payloadSize;
  }

  static deserializeBinary(bytes) {
    const reader = new BinaryReader(bytes);
    let size = 0;
    while (reader.nextField()) {
      if (reader.getFieldNumber() === 1) {
        const payload = {};
        reader.readMessage(payload, readPayload);
        size = payload.body ? payload.body.length : 0;
      } else {
        reader.skipField();
      }
    }
    return new PayloadResponse(size);
  }
}

function writePayload(writer, field, size) {
  if (size > 0) {
    writer.writeMessage(field, new Uint8Array(size), (body, inner) => inner.writeBytes(2, body));
  }
}

function writeStatus(writer, field, status) {
  if (status) {
    writer.writeMessage(field, status, (value, inner) => {
      inner.writeInt32(1, value.code);
      inner.writeString(2, value.message);
    });
  }
}

function readPayload(payload, reader) {
  while (reader.nextField()) {
    if (reader.getFieldNumber() === 2) {
      payload.body = reader.readBytes();
    } else {
      reader.skipField();
    }
  }
}
