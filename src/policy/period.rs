//! Periods (`"7 years"`, `"5 working_days"`): reading, writing, and plausibility bounds.

use crate::prelude::*;

use super::error::cat;
use super::model::{Period, PeriodUnit};

/// The unit names a period may use (singular forms are accepted too).
pub const UNIT_NAMES: &str = "minutes, hours, days, working_days, weeks, months or years";

impl PeriodUnit {
    /// The unit's canonical (plural) JSON name.
    pub fn name(self) -> &'static str {
        match self {
            PeriodUnit::Minutes => "minutes",
            PeriodUnit::Hours => "hours",
            PeriodUnit::Days => "days",
            PeriodUnit::WorkingDays => "working_days",
            PeriodUnit::Weeks => "weeks",
            PeriodUnit::Months => "months",
            PeriodUnit::Years => "years",
        }
    }

    /// Reads a unit name, plural or singular.
    pub fn from_name(name: &str) -> Option<PeriodUnit> {
        Some(match name {
            "minutes" | "minute" => PeriodUnit::Minutes,
            "hours" | "hour" => PeriodUnit::Hours,
            "days" | "day" => PeriodUnit::Days,
            "working_days" | "working_day" => PeriodUnit::WorkingDays,
            "weeks" | "week" => PeriodUnit::Weeks,
            "months" | "month" => PeriodUnit::Months,
            "years" | "year" => PeriodUnit::Years,
            _ => return None,
        })
    }

    /// The most of this unit a period may hold (about a thousand years).
    pub fn max_amount(self) -> u32 {
        match self {
            PeriodUnit::Minutes => 525_960_000,
            PeriodUnit::Hours => 8_766_000,
            PeriodUnit::Days | PeriodUnit::WorkingDays => 365_250,
            PeriodUnit::Weeks => 52_180,
            PeriodUnit::Months => 12_000,
            PeriodUnit::Years => 1_000,
        }
    }
}

impl Period {
    /// Reads `"<amount> <unit>"`; the error is a reason for the author.
    pub fn parse(text: &str) -> Result<Period, String> {
        let Some((amount, unit)) = text.split_once(' ') else {
            return Err(cat(&["invalid period \"", text, "\": write \"<amount> <unit>\", e.g. \"7 years\""]));
        };
        if amount.is_empty() || !amount.bytes().all(|b| b.is_ascii_digit()) {
            return Err(cat(&["invalid period \"", text, "\": amount \"", amount, "\" is not a whole number"]));
        }
        let Ok(amount) = amount.parse::<u32>() else {
            return Err(cat(&["invalid period \"", text, "\": amount is too large"]));
        };
        match PeriodUnit::from_name(unit) {
            Some(unit) => Ok(Period { amount, unit }),
            None => Err(cat(&["unknown unit \"", unit, "\" in period \"", text, "\" (use ", UNIT_NAMES, ")"])),
        }
    }
}

impl core::fmt::Display for Period {
    /// The JSON form, `"7 years"`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.text())
    }
}

impl Period {
    /// The JSON form, `"7 years"` (what `Display` writes, without the formatting machinery).
    pub fn text(&self) -> String {
        let mut out = String::new();
        super::error::push_u64(&mut out, u64::from(self.amount));
        out.push(' ');
        out.push_str(self.unit.name());
        out
    }
}
