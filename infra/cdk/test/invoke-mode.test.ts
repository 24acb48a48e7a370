// The Function URL's invoke mode and what must agree with it: RESPONSE_STREAM by default with the
// api's API_INVOKE_MODE to match, a 60 s default timeout (a user's own kept), no compression, and an
// origin request policy that forwards neither Host nor Accept-Encoding (docs/deploying.md#streaming);
// BUFFERED keeps the managed AllViewerExceptHostHeader. OAC and both grants are the same in both.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ALL_VIEWER_EXCEPT_HOST_HEADER_ID } from '../lib/oac-protected-api.js';
import { apiVariables, synth } from './support.js';

const CACHING_DISABLED_ID = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';

const lambdaBehavior = (t: Template) => {
  const ds = Object.values(t.findResources('AWS::CloudFront::Distribution'));
  assert.equal(ds.length, 1);
  return ds[0].Properties.DistributionConfig.DefaultCacheBehavior;
};

const apiTimeout = (t: Template) => {
  const fns = Object.values(t.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'provided.al2023' } }))
    .filter((f: any) => f.Properties.Environment?.Variables?.STORE === 'dynamodb');
  assert.equal(fns.length, 1, 'one Lambdalith');
  return fns[0].Properties.Timeout;
};

const urlInvokeMode = (t: Template) => {
  const urls = Object.values(t.findResources('AWS::Lambda::Url'));
  assert.equal(urls.length, 1);
  return urls[0].Properties.InvokeMode;
};

/** The OAC and the two grants, as the rest of the template sees them (identical in both modes). */
function oacAndGrants(t: Template) {
  const oac = Object.values(t.findResources('AWS::CloudFront::OriginAccessControl')).map((r: any) => r.Properties.OriginAccessControlConfig);
  const grants = Object.values(t.findResources('AWS::Lambda::Permission', { Properties: { Principal: 'cloudfront.amazonaws.com' } }))
    .map((r: any) => ({ action: r.Properties.Action, viaUrl: r.Properties.InvokedViaFunctionUrl, source: JSON.stringify(r.Properties.SourceArn) }))
    .sort((a, b) => a.action.localeCompare(b.action));
  return { oac, grants };
}

describe('RESPONSE_STREAM (the default)', () => {
  const { template: t } = synth();

  it('the Function URL streams and the api is told so', () => {
    assert.equal(urlInvokeMode(t), 'RESPONSE_STREAM');
    assert.equal(apiVariables(t).API_INVOKE_MODE, 'response_stream');
  });

  it('the function times out at 60 s by default (a 20 MB export at 2 MB/s after 6 MB needs over 7 s)', () => {
    assert.equal(apiTimeout(t), 60);
  });

  it("a user's own timeout is kept", () => {
    const { template } = synth({ lambdaOrigin: { timeout: Duration.seconds(15) } });
    assert.equal(apiTimeout(template), 15);
  });

  it('the Lambda behaviour does not compress', () => {
    assert.equal(lambdaBehavior(t).Compress, false);
  });

  it('the origin request policy forwards all viewer headers but exactly Host and Accept-Encoding, all cookies and query strings', () => {
    const policies = Object.entries(t.findResources('AWS::CloudFront::OriginRequestPolicy'));
    assert.equal(policies.length, 1);
    const [id, policy] = policies[0] as [string, any];
    assert.deepEqual(lambdaBehavior(t).OriginRequestPolicyId, { Ref: id });
    const config = policy.Properties.OriginRequestPolicyConfig;
    assert.equal(config.HeadersConfig.HeaderBehavior, 'allExcept');
    assert.deepEqual([...config.HeadersConfig.Headers].map((h: string) => h.toLowerCase()).sort(), ['accept-encoding', 'host']);
    assert.equal(config.CookiesConfig.CookieBehavior, 'all');
    assert.equal(config.QueryStringsConfig.QueryStringBehavior, 'all');
  });

  it('the cache policy is the managed CachingDisabled: no gzip/Brotli normalisation to forward Accept-Encoding', () => {
    assert.equal(lambdaBehavior(t).CachePolicyId, CACHING_DISABLED_ID);
  });

  it('API_INVOKE_MODE is the construct\'s: an environment entry for it is refused', () => {
    for (const key of ['API_INVOKE_MODE', 'api_invoke_mode']) {
      assert.throws(() => synth({ lambdaOrigin: { environment: { [key]: 'buffered' } } }), new RegExp(`must not set ${key}.*invoke mode`), key);
    }
  });
});

describe('BUFFERED', () => {
  const { template: t } = synth({ lambdaOrigin: { invokeMode: 'BUFFERED' } });

  it('the Function URL buffers and the api is told so', () => {
    assert.equal(urlInvokeMode(t), 'BUFFERED');
    assert.equal(apiVariables(t).API_INVOKE_MODE, 'buffered');
  });

  it('keeps the managed AllViewerExceptHostHeader and makes no policy of its own', () => {
    assert.equal(lambdaBehavior(t).OriginRequestPolicyId, ALL_VIEWER_EXCEPT_HOST_HEADER_ID);
    t.resourceCountIs('AWS::CloudFront::OriginRequestPolicy', 0);
  });

  it('keeps the 10 s default timeout and does not compress either', () => {
    assert.equal(apiTimeout(t), 10);
    assert.equal(lambdaBehavior(t).Compress, false);
  });
});

describe('either mode', () => {
  it('OAC (lambda, always, SigV4) and both CloudFront grants are the same', () => {
    const streaming = oacAndGrants(synth().template);
    const buffered = oacAndGrants(synth({ lambdaOrigin: { invokeMode: 'BUFFERED' } }).template);
    assert.deepEqual(streaming, buffered);
    assert.deepEqual(streaming.oac.map((c: any) => [c.OriginAccessControlOriginType, c.SigningBehavior, c.SigningProtocol]), [['lambda', 'always', 'sigv4']]);
    assert.deepEqual(streaming.grants.map((g) => [g.action, g.viaUrl]), [['lambda:InvokeFunction', true], ['lambda:InvokeFunctionUrl', undefined]]);
  });

  it('an invoke mode that is neither is refused at synth', () => {
    assert.throws(() => synth({ lambdaOrigin: { invokeMode: 'STREAM' as never } }), /lambdaOrigin.invokeMode "STREAM": 'RESPONSE_STREAM' \(default\) or 'BUFFERED'/);
  });
});
