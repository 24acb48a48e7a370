// How the Lambdalith's Function URL answers: streamed (`RESPONSE_STREAM`, the default) or
// buffered, and everything that must agree with it: the api's `API_INVOKE_MODE`, the function's
// default timeout, and what CloudFront forwards to a streaming URL (docs/deploying.md#streaming).
import { Duration } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** The Function URL's invoke mode, as `lambdaOrigin.invokeMode` names it. */
export type InvokeMode = 'BUFFERED' | 'RESPONSE_STREAM';

/** What follows from one invoke mode. */
export interface InvokeModeSettings {
  /** The Function URL's `InvokeMode`. */
  readonly urlInvokeMode: lambda.InvokeMode;
  /** The api's `API_INVOKE_MODE` (functions/api/src/config.rs): it speaks the URL's protocol. */
  readonly apiInvokeMode: 'buffered' | 'response_stream';
  /**
   * The function's timeout unless the app sets one. A stream ends at the timeout, its status long
   * sent: after its first 6 MB Lambda streams at most 2 MB/s, so a 20 MB export needs over 7 s and
   * the 10 s of a buffered answer would cut it; server-sent events close before it (`retry:`).
   */
  readonly defaultTimeout: Duration;
  /** Whether answers stream (and so `Accept-Encoding` must not reach the URL). */
  readonly streams: boolean;
}

/** The settings of `mode` (default `RESPONSE_STREAM`); throws at synth for anything else. */
export function invokeModeSettings(mode: InvokeMode = 'RESPONSE_STREAM'): InvokeModeSettings {
  switch (mode) {
    case 'RESPONSE_STREAM':
      return { urlInvokeMode: lambda.InvokeMode.RESPONSE_STREAM, apiInvokeMode: 'response_stream', defaultTimeout: Duration.seconds(60), streams: true };
    case 'BUFFERED':
      return { urlInvokeMode: lambda.InvokeMode.BUFFERED, apiInvokeMode: 'buffered', defaultTimeout: Duration.seconds(10), streams: false };
    default:
      throw new Error(`lambdaOrigin.invokeMode ${JSON.stringify(mode)}: 'RESPONSE_STREAM' (default) or 'BUFFERED'`);
  }
}

/**
 * The origin request policy of the behaviour to the Function URL. Buffered: the managed
 * `AllViewerExceptHostHeader`. Streaming: the same but without `Accept-Encoding` too — a streaming
 * URL mangles `Content-Encoding` (aws-lambda-nodejs-runtime-interface-client#96) and forwarding the
 * viewer's `Accept-Encoding` to one gave periodic 502s behind CloudFront (opennextjs-aws#1127). With
 * the `CachingDisabled` cache policy (no gzip/Brotli normalisation) CloudFront treats the header
 * like any other viewer header, so leaving it out of this policy keeps it from the URL; the api
 * never compresses either (`oac-kit doctor`'s `streaming-accept-encoding` check holds this).
 */
export function originRequestPolicy(scope: Construct, settings: InvokeModeSettings): cloudfront.IOriginRequestPolicy {
  if (!settings.streams) return cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER;
  return new cloudfront.OriginRequestPolicy(scope, 'StreamingOriginRequest', {
    comment: 'oac-kit: all viewer headers but Host and Accept-Encoding, all cookies and query strings (streaming Function URL)',
    headerBehavior: cloudfront.OriginRequestHeaderBehavior.denyList('host', 'accept-encoding'),
    cookieBehavior: cloudfront.OriginRequestCookieBehavior.all(),
    queryStringBehavior: cloudfront.OriginRequestQueryStringBehavior.all(),
  });
}
