//! Names AWS hands back, taken apart: a Function URL's host, Lambda and CloudFront ARNs, and the
//! distribution's ARN as the grants name it. Pure.

/// The region of a Function URL host `<url-id>.lambda-url.<region>.on.aws`, or `None` when the
/// host is not one.
pub fn function_url_region(host: &str) -> Option<&str> {
    let labels: Vec<&str> = host.split('.').collect();
    match labels.as_slice() {
        [id, "lambda-url", region, "on", "aws"] if !id.is_empty() && !region.is_empty() => {
            Some(region)
        }
        _ => None,
    }
}

/// The host of a Function URL (`https://<host>/`), lower case.
pub fn url_host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split('/')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// A Lambda function ARN, `arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LambdaArn<'a> {
    /// Its region.
    pub region: &'a str,
    /// The function's name.
    pub name: &'a str,
    /// The version or alias, if qualified.
    pub qualifier: Option<&'a str>,
}

/// `arn` taken apart, or `None` when it is not a Lambda function ARN.
pub fn lambda_arn(arn: &str) -> Option<LambdaArn<'_>> {
    let parts: Vec<&str> = arn.split(':').collect();
    match parts.as_slice() {
        ["arn", _, "lambda", region, _, "function", name, rest @ ..]
            if !region.is_empty() && !name.is_empty() && rest.len() <= 1 =>
        {
            Some(LambdaArn {
                region,
                name,
                qualifier: rest.first().copied().filter(|q| !q.is_empty()),
            })
        }
        _ => None,
    }
}

/// The name of a CloudFront Function from its ARN `arn:<partition>:cloudfront::<account>:function/<name>`.
pub fn cloudfront_function_name(arn: &str) -> Option<&str> {
    let (head, name) = arn.rsplit_once(":function/")?;
    (head.starts_with("arn:") && !name.is_empty() && !name.contains('/')).then_some(name)
}

/// The distribution's ARN as a grant's `AWS:SourceArn` names it,
/// `arn:<partition>:cloudfront::<account>:distribution/<id>`, from the ARN `GetDistribution`
/// returned (its partition and account: the 12-digit field, wherever a server put it).
pub fn distribution_arn(returned: &str, id: &str) -> Option<String> {
    let parts: Vec<&str> = returned.split(':').collect();
    let partition = parts.get(1).filter(|p| p.starts_with("aws"))?;
    let account = parts
        .iter()
        .skip(2)
        .find(|p| p.len() == 12 && p.bytes().all(|b| b.is_ascii_digit()))?;
    Some(format!(
        "arn:{partition}:cloudfront::{account}:distribution/{id}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_url_hosts_give_their_region_and_others_none() {
        assert_eq!(
            function_url_region("abc123.lambda-url.eu-west-1.on.aws"),
            Some("eu-west-1")
        );
        for other in [
            "abc.lambda-url.eu-west-1.on.aws.evil.example",
            "lambda-url.eu-west-1.on.aws",
            ".lambda-url.eu-west-1.on.aws",
            "bucket.s3.amazonaws.com",
            "abc.lambda-url..on.aws",
        ] {
            assert_eq!(function_url_region(other), None, "{other}");
        }
    }

    #[test]
    fn url_host_drops_scheme_path_and_case() {
        assert_eq!(
            url_host("https://ABC.lambda-url.us-east-1.on.aws/"),
            "abc.lambda-url.us-east-1.on.aws"
        );
        assert_eq!(url_host("abc.example"), "abc.example");
    }

    #[test]
    fn lambda_arns_with_and_without_qualifier() {
        assert_eq!(
            lambda_arn("arn:aws:lambda:us-east-1:123456789012:function:edge:7"),
            Some(LambdaArn {
                region: "us-east-1",
                name: "edge",
                qualifier: Some("7")
            })
        );
        assert_eq!(
            lambda_arn("arn:aws:lambda:us-east-1:123456789012:function:edge:$LATEST")
                .unwrap()
                .qualifier,
            Some("$LATEST")
        );
        assert_eq!(
            lambda_arn("arn:aws:lambda:eu-west-1:123456789012:function:edge")
                .unwrap()
                .qualifier,
            None
        );
        for bad in [
            "arn:aws:lambda:us-east-1:123456789012:layer:x:1",
            "arn:aws:lambda::123456789012:function:x",
            "arn:aws:lambda:us-east-1:123456789012:function:x:1:2",
            "edge",
        ] {
            assert_eq!(lambda_arn(bad), None, "{bad}");
        }
    }

    #[test]
    fn cloudfront_function_names() {
        assert_eq!(
            cloudfront_function_name("arn:aws:cloudfront::123456789012:function/viewer"),
            Some("viewer")
        );
        assert_eq!(
            cloudfront_function_name("arn:aws:cloudfront::123456789012:function/"),
            None
        );
        assert_eq!(cloudfront_function_name("viewer"), None);
    }

    #[test]
    fn the_distribution_arn_is_the_literal_grants_name() {
        let want = "arn:aws:cloudfront::123456789012:distribution/E2EXAMPLE";
        assert_eq!(distribution_arn(want, "E2EXAMPLE").as_deref(), Some(want));
        // moto leaves out the empty region field.
        assert_eq!(
            distribution_arn(
                "arn:aws:cloudfront:123456789012:distribution/E2EXAMPLE",
                "E2EXAMPLE"
            )
            .as_deref(),
            Some(want)
        );
        assert_eq!(
            distribution_arn("arn:aws-cn:cloudfront::123456789012:distribution/E1", "E1")
                .as_deref(),
            Some("arn:aws-cn:cloudfront::123456789012:distribution/E1")
        );
        assert_eq!(
            distribution_arn("arn:aws:cloudfront::acct:distribution/E1", "E1"),
            None
        );
        assert_eq!(distribution_arn("", "E1"), None);
    }
}
