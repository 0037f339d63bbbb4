//! COM1 (16550 UART at port 0x3f8), polled, as a `core::fmt::Write`.

use crate::port::{inb, outb};

const COM1: u16 = 0x3f8;

/// The COM1 serial port. Zero-sized: every instance writes to the same UART.
pub struct Serial;

impl Serial {
    /// Program COM1 for 115200 8N1, FIFOs on, interrupts off.
    pub fn init() -> Serial {
        // SAFETY: these are the standard 16550 registers at COM1; nothing else uses them.
        unsafe {
            outb(COM1 + 1, 0x00); // interrupts off
            outb(COM1 + 3, 0x80); // DLAB on
            outb(COM1, 0x01); // divisor 1 = 115200 baud
            outb(COM1 + 1, 0x00);
            outb(COM1 + 3, 0x03); // 8N1, DLAB off
            outb(COM1 + 2, 0xC7); // FIFO on, cleared, 14-byte threshold
            outb(COM1 + 4, 0x03); // DTR | RTS
        }
        Serial
    }

    /// Send one byte, waiting for the transmit holding register to empty.
    pub fn write_byte(&mut self, b: u8) {
        // SAFETY: reading the line status register and writing THR of COM1 are side-effect
        // free apart from sending the byte.
        unsafe {
            while inb(COM1 + 5) & 0x20 == 0 {
                core::hint::spin_loop();
            }
            outb(COM1, b);
        }
    }
}

impl core::fmt::Write for Serial {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        for b in s.bytes() {
            if b == b'\n' {
                self.write_byte(b'\r');
            }
            self.write_byte(b);
        }
        Ok(())
    }
}
