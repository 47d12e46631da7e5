//! Calendar dates of Unix times, without a time-zone database: a commit
//! carries its own UTC offset, and an API's reset time is shown in UTC.
//! Only the proleptic Gregorian calendar (H. Hinnant's `civil_from_days`).

/// `YYYY-MM-DD` of a Unix time at a UTC offset (a commit author's day).
pub fn civil_date(secs: i64, offset_minutes: i32) -> String {
    let (year, month, day) = civil(secs + i64::from(offset_minutes) * 60);
    format!("{year:04}-{month:02}-{day:02}")
}

/// `YYYY-MM-DD HH:MM UTC` of a Unix time.
pub fn utc_minute(secs: i64) -> String {
    let (year, month, day) = civil(secs);
    let minutes = secs.rem_euclid(86_400) / 60;
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        minutes / 60,
        minutes % 60
    )
}

fn civil(secs: i64) -> (i64, i64, i64) {
    let days = secs.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::{civil_date, utc_minute};

    #[test]
    fn dates_are_the_authors_calendar_day() {
        assert_eq!(civil_date(0, 0), "1970-01-01");
        assert_eq!(civil_date(1_700_000_000, 0), "2023-11-14");
        assert_eq!(civil_date(951_782_400, 0), "2000-02-29");
        assert_eq!(civil_date(1_709_251_199, 0), "2024-02-29");
        // 23:30 UTC on 31 Dec is already 1 Jan two hours east, still 31 Dec west.
        assert_eq!(civil_date(1_704_065_400, 120), "2024-01-01");
        assert_eq!(civil_date(1_704_065_400, -300), "2023-12-31");
        assert_eq!(civil_date(-86_400, 0), "1969-12-31");
    }

    #[test]
    fn reset_times_are_shown_to_the_minute_in_utc() {
        assert_eq!(utc_minute(0), "1970-01-01 00:00 UTC");
        assert_eq!(
            utc_minute(1_796_601_600 + 18 * 3600 + 40 * 60 + 59),
            "2026-12-07 18:40 UTC"
        );
    }
}
