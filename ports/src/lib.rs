//! beamos-ports: port drivers (spawn, fd, tty, tcp/udp, file) written against the
//! Platform's I/O capabilities.
//!
//! Not built yet: bare mode has no ports. The OTP boot issue adds the fd and tty drivers here.
