//! ACM, always in us-east-1 (CloudFront's certificates live there, whatever the stack's region);
//! `ACM_ENDPOINT_URL` points it elsewhere (the tests: moto).

use aws_sdk_acm as sdk;
use aws_sdk_acm::error::{DisplayErrorContext, ProvideErrorMetadata};
use aws_sdk_acm::types::{CertificateStatus, ValidationMethod};

use crate::acm_state::CertView;

/// The region ACM is called in.
pub const REGION: &str = "us-east-1";

/// The client: the environment's credentials, us-east-1, `ACM_ENDPOINT_URL` if set.
pub fn client(sdk_config: &aws_config::SdkConfig) -> sdk::Client {
    let mut builder =
        sdk::config::Builder::from(sdk_config).region(sdk::config::Region::new(REGION));
    if let Ok(url) = std::env::var("ACM_ENDPOINT_URL") {
        builder = builder.endpoint_url(url);
    }
    sdk::Client::from_conf(builder.build())
}

/// RequestCertificate with DNS validation; the ARN.
pub async fn request(
    client: &sdk::Client,
    hostnames: &[String],
    token: &str,
) -> Result<String, String> {
    let (first, rest) = hostnames.split_first().ok_or("no hostnames")?;
    let out = client
        .request_certificate()
        .domain_name(first)
        .set_subject_alternative_names((!rest.is_empty()).then(|| rest.to_vec()))
        .validation_method(ValidationMethod::Dns)
        .idempotency_token(token)
        .send()
        .await
        .map_err(|e| format!("ACM RequestCertificate: {}", DisplayErrorContext(&e)))?;
    out.certificate_arn()
        .map(str::to_owned)
        .ok_or_else(|| "ACM RequestCertificate answered no ARN".to_owned())
}

/// DescribeCertificate reduced to a [`CertView`]; `None` if ACM does not know the ARN.
pub async fn describe(client: &sdk::Client, arn: &str) -> Result<Option<CertView>, String> {
    let out = match client
        .describe_certificate()
        .certificate_arn(arn)
        .send()
        .await
    {
        Ok(out) => out,
        Err(e) if e.code() == Some("ResourceNotFoundException") => return Ok(None),
        Err(e) => {
            return Err(format!(
                "ACM DescribeCertificate {arn}: {}",
                DisplayErrorContext(&e)
            ));
        }
    };
    let Some(cert) = out.certificate() else {
        return Ok(None);
    };
    Ok(Some(CertView {
        status: cert
            .status()
            .map(CertificateStatus::as_str)
            .unwrap_or_default()
            .to_owned(),
        failure_reason: cert.failure_reason().map(|r| r.as_str().to_owned()),
        validation: cert
            .domain_validation_options()
            .iter()
            .map(|o| {
                o.resource_record()
                    .map(|r| (r.name().to_owned(), r.value().to_owned()))
            })
            .collect(),
    }))
}

/// DeleteCertificate; an unknown ARN is already gone.
pub async fn delete(client: &sdk::Client, arn: &str) -> Result<(), String> {
    match client
        .delete_certificate()
        .certificate_arn(arn)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e) if e.code() == Some("ResourceNotFoundException") => Ok(()),
        Err(e) => Err(format!(
            "ACM DeleteCertificate {arn}: {}",
            DisplayErrorContext(&e)
        )),
    }
}
