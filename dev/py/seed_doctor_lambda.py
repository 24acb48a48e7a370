"""Seeds moto's Lambda with a chain's functions for `oac-kit doctor --distribution`'s tests.

    seed_doctor_lambda.py MOTO_ENDPOINT DISTRIBUTION_ARN AUTH_TYPE GRANTS

Creates, with boto3 as a deployment would: the api function `api` in eu-west-1 with a Function URL
of AuthType AUTH_TYPE (AWS_IAM or NONE), the permissions for `cloudfront.amazonaws.com` named in
GRANTS (comma-separated: `url` = lambda:InvokeFunctionUrl, `invoke` = lambda:InvokeFunction with
InvokedViaFunctionUrl; both scoped to DISTRIBUTION_ARN), two unrelated functions (one with a URL of
its own, one without) that the doctor must look past, and the Lambda@Edge function `body-hash` in
us-east-1 on nodejs22.x with one published version. Prints one JSON line:
{"function_url": ..., "function_arn": ..., "edge_version_arn": ...}.
"""
import io
import json
import sys
import zipfile

import boto3

endpoint, distribution_arn, auth_type, grants = sys.argv[1:5]
grants = set(filter(None, grants.split(",")))


def client(service, region):
    return boto3.client(service, region_name=region, endpoint_url=endpoint,
                        aws_access_key_id="AKIDMOTOTEST", aws_secret_access_key="moto-secret")


def code():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("index.mjs", "export const handler = async () => ({});\n")
    return buffer.getvalue()


role = client("iam", "us-east-1").create_role(
    RoleName="doctor-test",
    AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
        "Action": "sts:AssumeRole"}]}),
)["Role"]["Arn"]


def function(lam, name, runtime="provided.al2023", handler="bootstrap"):
    return lam.create_function(FunctionName=name, Runtime=runtime, Role=role, Handler=handler,
                               Code={"ZipFile": code()})["FunctionArn"]


lam = client("lambda", "eu-west-1")
function(lam, "other-without-url")
function(lam, "other-with-url")
lam.create_function_url_config(FunctionName="other-with-url", AuthType="AWS_IAM")
function_arn = function(lam, "api")
url = lam.create_function_url_config(FunctionName="api", AuthType=auth_type)["FunctionUrl"]
if "url" in grants:
    lam.add_permission(FunctionName="api", StatementId="cloudfront-invoke-function-url",
                       Action="lambda:InvokeFunctionUrl", Principal="cloudfront.amazonaws.com",
                       SourceArn=distribution_arn)
if "invoke" in grants:
    lam.add_permission(FunctionName="api", StatementId="cloudfront-invoke-function",
                       Action="lambda:InvokeFunction", Principal="cloudfront.amazonaws.com",
                       SourceArn=distribution_arn, InvokedViaFunctionUrl=True)

edge = client("lambda", "us-east-1")
function(edge, "body-hash", runtime="nodejs22.x", handler="index.handler")
version = edge.publish_version(FunctionName="body-hash")["FunctionArn"]

print(json.dumps({"function_url": url, "function_arn": function_arn, "edge_version_arn": version}),
      flush=True)
