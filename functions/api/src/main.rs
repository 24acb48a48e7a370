//! `api`: on Lambda (`AWS_LAMBDA_RUNTIME_API` set) serves Function URL events through
//! `lambda_http` — buffered, or with response streaming when `API_INVOKE_MODE=response_stream`;
//! otherwise serves the same router on `127.0.0.1:$PORT` (default 3000).

use std::process::ExitCode;

use api::config::{Config, InvokeMode};

fn main() -> ExitCode {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            // Before logging is set up (LOG_LEVEL may be the bad variable): plain stderr.
            eprintln!("api: {e}");
            return ExitCode::from(2);
        }
    };
    api::observe::init_logging(&config.log_level);
    let on_lambda = std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some();
    // One invocation at a time on Lambda: a single thread starts fastest.
    let runtime = if on_lambda {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
    };
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("api: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let router = match api::build(&config).await {
            Ok(router) => router,
            Err(e) => {
                tracing::error!(error = %e, "api failed to start");
                return ExitCode::FAILURE;
            }
        };
        if on_lambda {
            let served = match config.invoke_mode {
                InvokeMode::Buffered => api::lambda::run(router).await,
                InvokeMode::ResponseStream => api::lambda::run_streaming(router).await,
            };
            if let Err(e) = served {
                tracing::error!(error = %e, "lambda runtime stopped");
                return ExitCode::FAILURE;
            }
            return ExitCode::SUCCESS;
        }
        let listener = match tokio::net::TcpListener::bind(("127.0.0.1", config.port)).await {
            Ok(listener) => listener,
            Err(e) => {
                tracing::error!(error = %e, port = config.port, "cannot listen");
                return ExitCode::FAILURE;
            }
        };
        tracing::info!(address = %format!("http://127.0.0.1:{}", config.port), "listening");
        // Ctrl-C or SIGTERM (containers, systemd): finish in-flight requests, then exit.
        let shutdown = async {
            #[cfg(unix)]
            {
                let mut term =
                    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate());
                match term.as_mut() {
                    Ok(term) => {
                        tokio::select! {
                            _ = tokio::signal::ctrl_c() => {}
                            _ = term.recv() => {}
                        }
                    }
                    Err(_) => {
                        let _ = tokio::signal::ctrl_c().await;
                    }
                }
            }
            #[cfg(not(unix))]
            {
                let _ = tokio::signal::ctrl_c().await;
            }
            tracing::info!("shutting down");
        };
        match axum::serve(listener, router)
            .with_graceful_shutdown(shutdown)
            .await
        {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                tracing::error!(error = %e, "server stopped");
                ExitCode::FAILURE
            }
        }
    })
}
