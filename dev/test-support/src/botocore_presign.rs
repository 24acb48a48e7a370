//! The botocore presign oracle (`dev/py/botocore_presign.py`): botocore's presigned
//! GetCallerIdentity URL for each case, independent of the Rust signer.

use std::io::{Read, Write};

use crate::python_script::{explain_failure, spawn};

/// botocore's presigned URL for each case (JSON objects as `botocore_presign.py` documents).
pub fn botocore_presign(cases: &[serde_json::Value]) -> Vec<String> {
    let mut child = spawn("botocore_presign.py", &[]);
    {
        let mut stdin = child.stdin.take().expect("stdin");
        for c in cases {
            writeln!(stdin, "{c}").expect("write case");
        }
    }
    let mut out = String::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut out)
        .expect("read");
    let status = child.wait().expect("wait");
    if !status.success() {
        explain_failure(&mut child, "botocore_presign.py");
    }
    let urls: Vec<String> = out.lines().map(str::to_owned).collect();
    assert_eq!(urls.len(), cases.len(), "one URL per case from botocore");
    urls
}
