//! Receiving: moving signals from the inbox into the mailbox, `loop_rec`, `remove_message`,
//! `wait_timeout`, and the handling of exit, link and monitor signals.

use beamos_gc::Term;

use crate::atom::am;
use crate::emu::instr::Instr;
use crate::emu::interp::Outcome;
use crate::process::{AliasMode, MonitorIn, Process, Signal};
use crate::terms;
use crate::vm::Vm;

/// Processes every signal in the inbox. Returns an outcome if the process must exit.
pub fn handle_signals(vm: &Vm, p: &mut Process, _x: &mut [Term]) -> Option<Outcome> {
    if let Some(r) = p.pending_exit.take() {
        return Some(Outcome::Exit(r));
    }
    loop {
        let s = p.shared.inbox.lock().pop_front();
        let Some(s) = s else { return None };
        match s {
            Signal::Message(t, f) => p.push_message(t, f),
            Signal::Exit { from, reason, frag, link } => {
                if let Some(f) = frag {
                    p.heap.attach_fragment(f);
                }
                if link && !p.is_linked(from) {
                    continue;
                }
                if link {
                    p.links.retain(|&l| l != from);
                }
                if reason == am::KILL && !link {
                    return Some(Outcome::Exit(am::KILLED));
                }
                if p.trap_exit {
                    let m = terms::tuple(&mut p.heap, &[am::EXIT_UPPER, from, reason]);
                    p.push_message(m, None);
                } else if reason == am::NORMAL {
                    if from == p.pid {
                        return Some(Outcome::Exit(am::NORMAL));
                    }
                } else {
                    return Some(Outcome::Exit(reason));
                }
            }
            Signal::Link { from } => {
                if !p.is_linked(from) {
                    p.links.push(from);
                }
            }
            Signal::Unlink { from } => p.links.retain(|&l| l != from),
            Signal::GroupLeader { leader } => p.group_leader = leader,
            Signal::Monitor { from, reference, name, frag } => {
                if let Some(f) = frag {
                    p.heap.attach_fragment(f);
                }
                p.monitors_in.push(MonitorIn { reference, watcher: from, name });
            }
            Signal::Down { reference, msg, frag } => {
                p.heap.attach_fragment(frag);
                // A monitor removed meanwhile (demonitor) delivers nothing.
                let Some(i) = p.monitors_out.position(reference) else {
                    continue;
                };
                let m = p.monitors_out.swap_remove(i);
                let msg = if m.tag == am::DOWN { msg } else { retag(p, msg, m.tag) };
                vm.monitor_alias_gone(p, reference);
                p.push_message(msg, None);
            }
            Signal::SystemTask { from, request, frag } => {
                if let Some(f) = frag {
                    p.heap.attach_fragment(f);
                }
                p.system_tasks.push((from, request));
            }
            Signal::AliasMessage { alias, msg, frag } => {
                match p.alias_mode(alias) {
                    None => continue,
                    Some(AliasMode::Explicit | AliasMode::Demonitor) => {}
                    Some(AliasMode::Reply) => {
                        vm.alias_deactivate(p, alias);
                    }
                    Some(AliasMode::ReplyDemonitor) => {
                        vm.alias_deactivate(p, alias);
                        if let Some(i) = p.monitors_out.position_by_id(alias) {
                            crate::bif::proc::remove_monitor(vm, p, i);
                        }
                    }
                }
                p.push_message(msg, frag);
            }
            Signal::Timeout { seq } => {
                if seq == p.timer_seq && p.timer_deadline.is_some() {
                    p.timed_out = true;
                    p.timer_deadline = None;
                    p.timer_id = None;
                }
            }
            Signal::Demonitor { from: _, reference, frag } => {
                if let Some(f) = frag {
                    p.heap.attach_fragment(f);
                }
                p.monitors_in.remove(reference);
            }
        }
    }
}

/// `msg` (a `{'DOWN', ...}` tuple) with its first element replaced by `tag`.
fn retag(p: &mut Process, msg: Term, tag: Term) -> Term {
    let mut e = [Term::NIL; 5];
    if let Some(el) = terms::tuple_elems(msg) {
        e.copy_from_slice(&el[..5]);
    }
    e[0] = tag;
    terms::tuple(&mut p.heap, &e)
}

/// `loop_rec`: the message at the save position, fetching new signals if needed.
pub fn peek(vm: &Vm, p: &mut Process, x: &mut [Term]) -> Result<Option<Term>, Outcome> {
    if p.save >= p.mailbox.len() {
        if let Some(o) = handle_signals(vm, p, x) {
            return Err(o);
        }
    }
    Ok(p.mailbox.get(p.save).copied())
}

/// `remove_message`: takes the current message; resets the save position and timer.
pub fn remove(vm: &Vm, p: &mut Process) {
    if p.save < p.mailbox.len() {
        p.remove_message_at(p.save);
    }
    p.save = 0;
    p.timer_deadline = None;
    p.timed_out = false;
    if let Some(id) = p.timer_id.take() {
        vm.drop_receive_timer(id, p.id);
    }
}

/// Receive markers (`recv_marker_bind/use/clear`, OTP 24+): a receive that matches only
/// messages holding a reference made just before starts at the mailbox position the
/// reference was bound at, skipping every older message (`gen_server:call` into a process with
/// a long queue stays O(1)). Messages still in the inbox at bind time come after the position.
/// At most this many markers are kept; the oldest goes first (a lost marker only costs a scan).
const MAX_MARKERS: usize = 8;

pub fn marker_bind(p: &mut Process, r: Term) {
    let Some(id) = terms::ref_id(r) else { return };
    if p.markers.len() == MAX_MARKERS {
        p.markers.remove(0);
    }
    p.markers.retain(|m| m.0 != id);
    p.markers.push((id, p.mailbox.len()));
}

pub fn marker_use(p: &mut Process, r: Term) {
    let Some(id) = terms::ref_id(r) else { return };
    if let Some(m) = p.markers.iter().find(|m| m.0 == id) {
        p.save = m.1.min(p.mailbox.len());
    }
}

pub fn marker_clear(p: &mut Process, r: Term) {
    let Some(id) = terms::ref_id(r) else { return };
    p.markers.retain(|m| m.0 != id);
}

pub enum Wait {
    /// Park the process.
    Park,
    /// The timer has fired: continue with the `timeout` instruction.
    TimedOut,
    /// A new message arrived meanwhile: go back to `loop_rec`.
    Retry,
    /// Not a valid timeout value.
    Bad,
    /// A signal ended the process while it waited.
    Exit(Outcome),
}

/// Moves pending signals into the mailbox before a wait decides to park. Returns `Retry` if new
/// messages arrived (the receive must look at them), `Exit` if a signal ends the process.
/// Signals that are not messages (a timeout, a link, an exit that is trapped) are consumed
/// here: `wait` may jump to itself (a receive without clauses), so leaving them in the inbox
/// would retry for ever without taking a reduction.
fn drain(vm: &Vm, p: &mut Process, x: &mut [Term]) -> Option<Wait> {
    if p.shared.inbox.lock().is_empty() {
        return None;
    }
    let before = p.mailbox.len();
    if let Some(o) = handle_signals(vm, p, x) {
        return Some(Wait::Exit(o));
    }
    // No x register is live across a wait.
    serve_system_tasks(vm, p, &mut []);
    (p.mailbox.len() > before).then_some(Wait::Retry)
}

/// Serves the system tasks received (`erts_internal:request_system_task/3`); `x` are the live
/// x registers, roots of a collection.
pub fn serve_system_tasks(vm: &Vm, p: &mut Process, x: &mut [Term]) {
    // A trapped BIF whose continuation holds pointers into the heap forbids collections until
    // it is done; the tasks wait for the next chance.
    if p.system_tasks.is_empty() || p.trap.pending.as_ref().is_some_and(|t| !t.gc) {
        return;
    }
    let major = p.system_tasks.iter().any(|(_, r)| terms::tuple_elems(*r).is_some_and(|e| e[2] == am::MAJOR));
    // The requests stay roots through the collection.
    p.gc(x, 0, major);
    for (from, r) in core::mem::take(&mut p.system_tasks) {
        let e = terms::tuple_elems(r).unwrap_or(&[]);
        let reply = terms::tuple(&mut p.heap, &[e[0], e[1], am::TRUE]);
        vm.send_message(from, reply);
    }
}

/// `wait`: parks until a message arrives (or a signal ends the process).
pub fn wait(vm: &Vm, p: &mut Process, x: &mut [Term], target: *const Instr) -> Wait {
    if let Some(w) = drain(vm, p, x) {
        return w;
    }
    p.ip = target;
    Wait::Park
}

/// `wait_timeout`: arms the timer the first time, parks until a message or the timeout. A
/// message that arrives with the timeout is looked at first, as in BEAM. `t` is read only
/// the first time: x registers are not kept while a process waits (as in BEAM), so on the
/// way back through here after a wake-up the operand may hold anything.
pub fn wait_timeout(vm: &Vm, p: &mut Process, x: &mut [Term], t: Term, target: *const Instr) -> Wait {
    if let Some(w) = drain(vm, p, x) {
        return w;
    }
    if p.timed_out {
        return Wait::TimedOut;
    }
    if p.timer_deadline.is_none() {
        let ms: u64 = if t == am::INFINITY {
            u64::MAX
        } else if let Some(v) = t.as_small() {
            if !(0..=MAX_TIMEOUT).contains(&v) {
                return Wait::Bad;
            }
            v as u64
        } else {
            return Wait::Bad;
        };
        if ms == 0 {
            return Wait::TimedOut;
        }
        if ms == u64::MAX {
            // No timer, but the wait is armed all the same.
            p.timer_deadline = Some(u64::MAX);
        } else {
            let deadline = vm.now_ns().saturating_add(ms.saturating_mul(1_000_000));
            p.timer_seq += 1;
            p.timer_deadline = Some(deadline);
            p.timer_id = Some(vm.add_timer(p.sched, deadline, p.id, p.timer_seq));
        }
    }
    p.ip = target;
    Wait::Park
}

/// The largest `after` value BEAM accepts, in milliseconds (2^32 - 1); larger raises
/// `timeout_value`.
pub const MAX_TIMEOUT: i64 = (1 << 32) - 1;
