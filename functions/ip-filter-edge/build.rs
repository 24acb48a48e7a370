//! Links the addon as a Node.js N-API module (napi-build sets the linker flags).

fn main() {
    napi_build::setup();
}
