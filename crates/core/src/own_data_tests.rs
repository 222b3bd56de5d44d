//! The CSV parser: formats, every error, the split rule.

use super::*;

fn cls() -> DataSpec {
    DataSpec::dropout(Task::Xor)
}

fn parse(text: &str, spec: &DataSpec) -> Result<OwnData, String> {
    parse_csv(text.as_bytes(), spec).map_err(|e| e.to_string())
}

#[test]
fn reads_a_plain_file_with_every_fourth_row_as_test() {
    let d = parse("x1,x2,y\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n9,10,0\n", &cls()).unwrap();
    assert_eq!((d.rows, d.train_rows, d.test_rows), (5, 4, 1));
    assert_eq!(d.text(), "1 2 0 0; 3 4 1 0; 5 6 0 0; 7 8 1 1; 9 10 0 0");
    assert!(d.summary().contains("every fourth row"), "{}", d.summary());
}
