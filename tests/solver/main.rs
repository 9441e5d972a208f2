//! The exact assignment solver on its own: against brute force on small instances and an
//! independent min-cost-flow solver on larger ones.

mod crosscheck;
mod flow;
mod oracle;
