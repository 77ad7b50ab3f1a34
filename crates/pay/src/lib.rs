//! Cashless fees (thanh toán không dùng tiền mặt): the wire formats and adapters,
//! no I/O. VietQR payloads (NAPAS 247, EMVCo merchant-presented), the gateways a
//! citizen pays through (VNPAY, the national payment platform) behind one
//! [`gateway::Gateway`] trait, the simulators that stand in for them in tests and
//! the demo, and bank/treasury statements matched against payment orders.
//!
//! Amounts are whole đồng (`i64`) everywhere; a float never touches money.

pub mod banks;
pub mod crc;
pub mod gateway;
pub mod paygov;
pub mod reconcile;
pub mod reference;
pub mod sim;
pub mod statement;
pub mod vietqr;
pub mod vnpay;
