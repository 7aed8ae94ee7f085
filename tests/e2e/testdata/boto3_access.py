#!/usr/bin/python3
"""boto3 scenario for CORS, ACLs, ownership controls and the public access
block against a Silo server, driven by boto3_test.go (TestBoto3Access).

Usage: boto3_access.py ENDPOINT CA_FILE_OR_EMPTY BUCKET
Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
Prints one line per check ("ok ..." or "FAIL ..."); the last is "ok done".
"""

import sys

import boto3
import urllib3
from botocore.config import Config
from botocore.exceptions import ClientError

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
failed = False


def check(cond, what):
    global failed
    print("ok" if cond else "FAIL", what, flush=True)
    failed = failed or not cond


def code_of(fn, **kwargs):
    try:
        fn(**kwargs)
    except ClientError as e:
        return e.response.get("Error", {}).get("Code")
    return None


def main():
    endpoint, ca, bucket = sys.argv[1:4]
    cfg = dict(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 1}, read_timeout=15)
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", verify=ca or None, config=Config(**cfg))
    # Without client-side validation, to send what the server must refuse.
    raw = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", verify=ca or None,
                       config=Config(parameter_validation=False, **cfg))
    http = urllib3.PoolManager(cert_reqs="CERT_REQUIRED", ca_certs=ca) if ca else urllib3.PoolManager()
    s3.create_bucket(Bucket=bucket)

    rules = [{"ID": "web", "AllowedOrigins": ["https://*.example.org"], "AllowedMethods": ["GET", "PUT"],
              "AllowedHeaders": ["*"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 60}]
    check(code_of(s3.get_bucket_cors, Bucket=bucket) == "NoSuchCORSConfiguration", "no CORS -> NoSuchCORSConfiguration")
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": rules})
    got = s3.get_bucket_cors(Bucket=bucket)["CORSRules"]
    check(len(got) == 1 and got[0]["AllowedOrigins"] == ["https://*.example.org"] and got[0]["MaxAgeSeconds"] == 60,
          "get_bucket_cors returns the rules (got %r)" % got)
    for name, bad, want in [
        ("no origins", [{"AllowedMethods": ["GET"]}], "MalformedXML"),
        ("bad method", [{"AllowedOrigins": ["*"], "AllowedMethods": ["TRACE"]}], "InvalidRequest"),
        ("no rules", [], "MalformedXML"),
    ]:
        code = code_of(raw.put_bucket_cors, Bucket=bucket, CORSConfiguration={"CORSRules": bad})
        check(code == want, "put_bucket_cors %s -> %s (got %s)" % (name, want, code))
    check(len(s3.get_bucket_cors(Bucket=bucket)["CORSRules"]) == 1, "refused CORS puts changed nothing")
    r = http.request("OPTIONS", "%s/%s/k" % (endpoint, bucket),
                     headers={"Origin": "https://app.example.org", "Access-Control-Request-Method": "PUT"})
    check(r.status == 200 and r.headers.get("Access-Control-Allow-Origin") == "https://app.example.org",
          "preflight allowed (got %s %r)" % (r.status, dict(r.headers)))
    s3.delete_bucket_cors(Bucket=bucket)
    check(code_of(s3.get_bucket_cors, Bucket=bucket) == "NoSuchCORSConfiguration", "delete_bucket_cors removes the rules")

    s3.put_object(Bucket=bucket, Key="pub", Body=b"public", ACL="public-read")
    grants = s3.get_object_acl(Bucket=bucket, Key="pub")["Grants"]
    check(any(g["Grantee"].get("URI") == ALL_USERS and g["Permission"] == "READ" for g in grants),
          "get_object_acl shows AllUsers READ (got %r)" % grants)
    url = "%s/%s/pub" % (endpoint, bucket)
    check(http.request("GET", url).status == 200, "public-read object readable anonymously")
    check(code_of(s3.get_public_access_block, Bucket=bucket) == "NoSuchPublicAccessBlockConfiguration",
          "no block -> NoSuchPublicAccessBlockConfiguration")
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False, "RestrictPublicBuckets": False})
    pab = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    check(pab["BlockPublicAcls"] and pab["IgnorePublicAcls"] and not pab["BlockPublicPolicy"], "get_public_access_block (got %r)" % pab)
    check(http.request("GET", url).status == 403, "IgnorePublicAcls blocks the anonymous read")
    check(code_of(s3.put_object_acl, Bucket=bucket, Key="pub", ACL="public-read-write") == "AccessDenied",
          "BlockPublicAcls refuses put_object_acl public-read-write")
    s3.delete_public_access_block(Bucket=bucket)
    check(http.request("GET", url).status == 200, "delete_public_access_block restores the grant")

    acl = s3.get_bucket_acl(Bucket=bucket)
    owner = acl["Owner"]
    s3.put_bucket_acl(Bucket=bucket, AccessControlPolicy={"Owner": owner, "Grants": [
        {"Grantee": {"Type": "CanonicalUser", "ID": owner["ID"]}, "Permission": "FULL_CONTROL"},
        {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"}]})
    check(http.request("GET", "%s/%s?list-type=2" % (endpoint, bucket)).status == 200, "AccessControlPolicy body makes the bucket listable")
    code = code_of(raw.put_bucket_acl, Bucket=bucket, AccessControlPolicy={"Owner": owner, "Grants": [
        {"Grantee": {"Type": "CanonicalUser", "ID": owner["ID"]}, "Permission": "EVERYTHING"}]})
    check(code == "MalformedACLError", "bad permission -> MalformedACLError (got %s)" % code)
    code = code_of(s3.put_bucket_ownership_controls, Bucket=bucket,
                   OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    check(code == "InvalidBucketAclWithObjectOwnership", "enforcing ownership over a public ACL refused (got %s)" % code)
    s3.put_bucket_acl(Bucket=bucket, ACL="private")
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    rules = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    check(rules == [{"ObjectOwnership": "BucketOwnerEnforced"}], "get_bucket_ownership_controls (got %r)" % rules)
    check(code_of(s3.put_object, Bucket=bucket, Key="x", Body=b"x", ACL="public-read") == "AccessControlListNotSupported",
          "ACLs refused under BucketOwnerEnforced")
    s3.delete_bucket_ownership_controls(Bucket=bucket)

    for o in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
        s3.delete_object(Bucket=bucket, Key=o["Key"])
    s3.delete_bucket(Bucket=bucket)
    check(True, "done")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
