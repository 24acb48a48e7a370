//! A local stand-in of the Cloudflare v4 endpoints oac-kit calls.
