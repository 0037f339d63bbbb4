//! beamos-os
