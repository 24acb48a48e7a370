// `viewerMtls`: every configuration refused at synth, one reason a test, and the Connection
// Function artifact held to what its sidecar says.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Duration } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { IP_CHECK_ONLY } from '../lib/oac-protected-api.js';
import { MAX_VALIDITY_DAYS, MIN_RENEW_BEFORE_DAYS, MIN_VALIDITY_DAYS, ViewerMtlsContext, viewerMtlsSettings } from '../lib/viewer-mtls.js';
import { CONNECTION_FUNCTION_STAND_IN, artifacts, buildMtls, synth, writeConnectionFunction } from './support.js';

/** A context that passes: cloudflare with one hostname, nothing else said. */
const OK: ViewerMtlsContext = { cloudflare: true, domainNames: ['api.example.com'], originSecret: 'default' };

describe('viewerMtls: refused at synth', () => {
  it('without cloudflare (the zone\'s certificate is uploaded through it)', () => {
    assert.throws(() => synth({ viewerMtls: {} }), /viewerMtls needs cloudflare/);
  });

  it('without a custom domain (mTLS with the default *.cloudfront.net certificate is not documented)', () => {
    // With cloudflare the hostnames are always the distribution's names; the rule stands on its own.
    assert.throws(() => viewerMtlsSettings({}, { ...OK, domainNames: [] }), /needs a custom domain/);
    assert.throws(() => viewerMtlsSettings({}, { ...OK, domainNames: undefined }), /needs a custom domain/);
    assert.deepEqual(viewerMtlsSettings({}, OK), { keepOriginSecret: true, clientValidityDays: 90, renewBeforeDays: 30 });
  });

  it('with HTTP/3 (AWS: viewer mTLS is not supported on HTTP/3), or HTTP/1.1 only (it needs HTTP/2)', () => {
    for (const httpVersion of [cloudfront.HttpVersion.HTTP2_AND_3, cloudfront.HttpVersion.HTTP3, cloudfront.HttpVersion.HTTP1_1]) {
      assert.throws(() => buildMtls({}, { httpVersion }), /not supported on HTTP\/3/, httpVersion);
    }
    assert.doesNotThrow(() => buildMtls({}, { httpVersion: cloudfront.HttpVersion.HTTP2 }));
  });

  it('the origin secret opted out while viewerMtls keeps it', () => {
    assert.throws(() => buildMtls({}, { originSecret: IP_CHECK_ONLY }), /set viewerMtls\.keepOriginSecret: false to drop it/);
  });

  it('keepOriginSecret: false beside originSecret settings', () => {
    assert.throws(() => buildMtls({ keepOriginSecret: false }, { originSecret: { headerName: 'x-zone-key' } }), /remove one of the two/);
  });

  it('keepOriginSecret that is not a boolean (JavaScript callers)', () => {
    assert.throws(() => viewerMtlsSettings({ keepOriginSecret: 'no' as never }, OK), /keepOriginSecret "no": true \(default\) or false/);
  });

  it('a rotation of the origin secret that keepOriginSecret: false dropped', () => {
    assert.throws(() => buildMtls({ keepOriginSecret: false }, {}, { rotation: Duration.days(7) }), /no origin secret to rotate/);
    assert.doesNotThrow(() => buildMtls({ keepOriginSecret: false }, {}, { rotation: false }));
  });

  it(`a validity outside ${MIN_VALIDITY_DAYS}-${MAX_VALIDITY_DAYS} days`, () => {
    for (const days of [MIN_VALIDITY_DAYS - 1, MAX_VALIDITY_DAYS + 1]) {
      assert.throws(() => viewerMtlsSettings({ clientCertificateValidity: Duration.days(days), renewBefore: Duration.days(7) }, OK),
        /clientCertificateValidity \d+ days: between 14 and 397 days/);
    }
    for (const days of [MIN_VALIDITY_DAYS, MAX_VALIDITY_DAYS]) {
      assert.doesNotThrow(() => viewerMtlsSettings({ clientCertificateValidity: Duration.days(days), renewBefore: Duration.days(7) }, OK));
    }
  });

  it('a validity or a renewal period that is not whole days', () => {
    assert.throws(() => viewerMtlsSettings({ clientCertificateValidity: Duration.hours(90 * 24 + 1) }, OK), /clientCertificateValidity .*a whole number of days/);
    assert.throws(() => viewerMtlsSettings({ renewBefore: Duration.hours(36) }, OK), /renewBefore .*a whole number of days/);
    assert.throws(() => viewerMtlsSettings({ renewBefore: 30 as never }, OK), /renewBefore: a Duration/);
  });

  it(`a renewal under ${MIN_RENEW_BEFORE_DAYS} days (four daily steps and failed days must fit)`, () => {
    assert.throws(() => viewerMtlsSettings({ renewBefore: Duration.days(MIN_RENEW_BEFORE_DAYS - 1) }, OK), /renewBefore 6 days: at least 7/);
    assert.doesNotThrow(() => viewerMtlsSettings({ renewBefore: Duration.days(MIN_RENEW_BEFORE_DAYS) }, OK));
  });

  it('a renewal longer than half the validity (so also one as long as the validity)', () => {
    assert.throws(() => viewerMtlsSettings({ clientCertificateValidity: Duration.days(60), renewBefore: Duration.days(31) }, OK), /at most half of clientCertificateValidity \(60 days\)/);
    assert.throws(() => viewerMtlsSettings({ clientCertificateValidity: Duration.days(60), renewBefore: Duration.days(60) }, OK), /at most half/);
    assert.doesNotThrow(() => viewerMtlsSettings({ clientCertificateValidity: Duration.days(60), renewBefore: Duration.days(30) }, OK));
  });

  it('viewerMtls that is not an object (JavaScript callers)', () => {
    assert.throws(() => viewerMtlsSettings(true as never, OK), /viewerMtls: give settings/);
  });
});

describe('viewerMtls: the Connection Function artifact', () => {
  /** Artifacts whose Connection Function sidecar is changed by `overrides` (or the code by `code`). */
  const withSidecar = (overrides: Record<string, unknown>, code = CONNECTION_FUNCTION_STAND_IN) => {
    const a = artifacts();
    writeConnectionFunction(a.viewerMtlsConnectionFunction!, code, overrides);
    return { artifacts: a };
  };

  it('missing', () => {
    assert.throws(() => buildMtls({}, { artifacts: { ...artifacts(), viewerMtlsConnectionFunction: undefined } }), /artifacts\.viewerMtlsConnectionFunction is required/);
  });

  it('a sidecar of another kind (a viewer-request function in its place)', () => {
    assert.throws(() => buildMtls({}, withSidecar({ kind: 'viewer-request' })), /is not a Connection Function \(its sidecar says kind "viewer-request"\)/);
  });

  it('a function that does not read serials under serial: in its store', () => {
    assert.throws(() => buildMtls({}, withSidecar({ kvsKeyPrefix: 'cert:' })), /does not look serials up under "serial:"/);
    assert.throws(() => buildMtls({}, withSidecar({ readsKvs: false })), /does not look serials up under "serial:"/);
  });

  it('a sidecar with a field more or less', () => {
    assert.throws(() => buildMtls({}, withSidecar({ secretHeader: null })), /is not a connection function sidecar/);
    assert.throws(() => buildMtls({}, withSidecar({ kvsKeyPrefix: undefined })), /is not a connection function sidecar/);
  });

  it('code edited after its sidecar was written', () => {
    const { artifacts: a } = withSidecar({});
    writeFileSync(a.viewerMtlsConnectionFunction!, `${CONNECTION_FUNCTION_STAND_IN}// edited\n`);
    assert.throws(() => buildMtls({}, { artifacts: a }), /does not describe .* \(its sizeBytes differs\)/);
  });
});
