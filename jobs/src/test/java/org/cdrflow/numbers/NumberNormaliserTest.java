package org.cdrflow.numbers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class NumberNormaliserTest {

  private final NumberNormaliser normaliser = new NumberNormaliser();

  // What libphonenumber 9.0.43 says about these ranges is part of what is tested: a metadata
  // update that moves a range to another type shows up here.
  @ParameterizedTest(name = "[{index}] {5}: {0} -> {1} {2} {3}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
          # raw                  | number           | class       | country | calling code | what
          # -- every raw form of one Norwegian mobile number --
          '+4791234567'          | +4791234567      | MOBILE      | NO      | 47   | E.164
          '004791234567'         | +4791234567      | MOBILE      | NO      | 47   | international prefix 00
          '4791234567'           | +4791234567      | MOBILE      | NO      | 47   | country code without +
          '91234567'             | +4791234567      | MOBILE      | NO      | 47   | national
          '+47 912 34 567'       | +4791234567      | MOBILE      | NO      | 47   | spaces
          '(+47) 912-34-567'     | +4791234567      | MOBILE      | NO      | 47   | parentheses, dashes
          '0047 (912) 34.567'    | +4791234567      | MOBILE      | NO      | 47   | 00, parentheses, dot
          '912/34/567'           | +4791234567      | MOBILE      | NO      | 47   | slashes
          ' 91234567 '           | +4791234567      | MOBILE      | NO      | 47   | surrounding blanks
          # -- Norwegian ranges --
          '41234567'             | +4741234567      | MOBILE      | NO      | 47   | 4x mobile
          '+4745123456'          | +4745123456      | MOBILE      | NO      | 47   | 45 mobile
          '+4722123456'          | +4722123456      | FIXED       | NO      | 47   | Oslo fixed line
          '55123456'             | +4755123456      | FIXED       | NO      | 47   | Bergen fixed line
          '+4779123456'          | +4779123456      | FIXED       | SJ      | 47   | Svalbard: country SJ
          '+4780012345'          | +4780012345      | TOLL_FREE   | NO      | 47   | 800 freephone
          '+4780112345'          | +4780112345      | TOLL_FREE   | NO      | 47   | 801 freephone
          '80012345'             | +4780012345      | TOLL_FREE   | NO      | 47   | 800 national form
          '+4782012345'          | +4782012345      | PREMIUM     | NO      | 47   | 820 premium rate
          '82912345'             | +4782912345      | PREMIUM     | NO      | 47   | 829 premium rate
          '+4781000000'          | +4781000000      | SHARED_COST | NO      | 47   | 810: shared cost
          '+4781012345'          | +4781012345      | SHARED_COST | NO      | 47   | 810 12: UAN
          '81512345'             | +4781512345      | SHARED_COST | NO      | 47   | 815: UAN
          '02000'                | +4702000         | SHARED_COST | NO      | 47   | five-digit 0xxxx: UAN
          '+4702000'             | +4702000         | SHARED_COST | NO      | 47   | same, E.164
          '+4785012345'          | +4785012345      | OTHER       | NO      | 47   | 85: VoIP
          '+4788012345'          | +4788012345      | OTHER       | NO      | 47   | 880: personal number
          '+4781212345'          | +4781212345      | OTHER       | NO      | 47   | 812: voicemail
          '+4781312345'          | +4781312345      | OTHER       | NO      | 47   | 813: voicemail
          '+4785512345'          | +4785512345      | OTHER       | NO      | 47   | 855: VoIP
          '+4778123456'          | +4778123456      | FIXED       | NO      | 47   | 78 fixed line
          '+4799123456'          | +4799123456      | MOBILE      | NO      | 47   | 99 mobile
          '+4742123456'          | +4742123456      | UNKNOWN     | NO      | 47   | 42 unallocated
          '+4704123'             | +4704123         | UNKNOWN     | NO      | 47   | 04xxx unallocated
          # -- parsable, not valid: UNKNOWN, still E.164, country of the calling code --
          '+4759123456'          | +4759123456      | UNKNOWN     | NO      | 47   | 59 unallocated
          '+4712345678'          | +4712345678      | UNKNOWN     | NO      | 47   | 1x unallocated
          '49301234'             | +4749301234      | UNKNOWN     | NO      | 47   | 8 digits stay NO (+49 30 1234 is Berlin)
          '4712345678'           | +4712345678      | UNKNOWN     | NO      | 47   | invalid either way
          '1234567'              | +471234567       | UNKNOWN     | NO      | 47   | 7 digits is not short
          '0112'                 | +470112          | UNKNOWN     | NO      | 47   | leading 0: not short
          '+47112'               | +47112           | UNKNOWN     | NO      | 47   | with country code: not short
          '+447700900123'        | +447700900123    | UNKNOWN     | GB      | 44   | Ofcom drama range
          '+123456789012345'     | +123456789012345 | UNKNOWN     | US      | 1    | exactly 15 digits
          '123456789012345'      | +123456789012345 | UNKNOWN     | US      | 1    | +47 would make 17
          # -- foreign --
          '+46701234567'         | +46701234567     | MOBILE      | SE      | 46   | Sweden mobile
          '0046701234567'        | +46701234567     | MOBILE      | SE      | 46   | 00 form
          '46701234567'          | +46701234567     | MOBILE      | SE      | 46   | country code without +
          '4591234567'           | +4591234567      | FIXED       | DK      | 45   | DK fixed line or mobile
          '+12125550123'         | +12125550123     | FIXED       | US      | 1    | NANP: fixed line or mobile
          '12125550123'          | +12125550123     | FIXED       | US      | 1    | country code without +
          '+442079460000'        | +442079460000    | FIXED       | GB      | 44   | London
          '+447400123456'        | +447400123456    | MOBILE      | GB      | 44   | UK mobile
          '+447911123456'        | +447911123456    | MOBILE      | GG      | 44   | Guernsey range of +44
          '+4915112345678'       | +4915112345678   | MOBILE      | DE      | 49   | Germany mobile
          '+3584012345678'       | +3584012345678   | MOBILE      | FI      | 358  | Finland mobile
          '+870773111111'        | +870773111111    | MOBILE      | -       | 870  | Inmarsat: no country
          '+881612345678'        | +881612345678    | MOBILE      | -       | 881  | Iridium: no country
          '+80012345678'         | +80012345678     | TOLL_FREE   | -       | 800  | international freephone
          # -- short and emergency: 3 to 6 digits, no +, 00 or 0; kept as dialled --
          '110'                  | 110              | EMERGENCY   | -       | 0    | fire
          '112'                  | 112              | EMERGENCY   | -       | 0    | police
          '113'                  | 113              | EMERGENCY   | -       | 0    | ambulance
          '1 1 2'                | 112              | EMERGENCY   | -       | 0    | with spaces
          '123'                  | 123              | SHORT       | -       | 0    | 3 digits
          '999'                  | 999              | SHORT       | -       | 0    | not an emergency number in NO
          '911'                  | 911              | SHORT       | -       | 0    | not an emergency number in NO
          '1881'                 | 1881             | SHORT       | -       | 0    | directory enquiries
          '12345'                | 12345            | SHORT       | -       | 0    | 5 digits
          '116117'               | 116117           | SHORT       | -       | 0    | 6 digits
          """)
  void normalisesAndClassifies(
      String raw,
      String number,
      NumberClass numberClass,
      String country,
      int callingCode,
      String what) {
    NormalisedNumber result = normaliser.normalise(raw);

    assertFalse(result.isBad(), () -> what + ": bad, " + result.badReason());
    assertEquals(number, result.number(), what);
    assertEquals(numberClass, result.numberClass(), what);
    assertEquals(country, result.country(), what);
    assertEquals(callingCode, result.callingCode(), what);
    assertEquals(callingCode == 47, result.isNorwegian());
    assertEquals(
        numberClass == NumberClass.SHORT || numberClass == NumberClass.EMERGENCY,
        result.isShortOrEmergency());
  }

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
          # raw                    | reason
          -                        | EMPTY
          ''                       | EMPTY
          '   '                    | EMPTY
          '+'                      | NO_DIGITS
          '( ) -'                  | NO_DIGITS
          'abc'                    | LETTERS
          '91a34567'               | LETTERS
          '1-800-FLOWERS'          | LETTERS
          '91234567 ext 12'        | LETTERS
          'tel:+4791234567'        | LETTERS
          '*21#'                   | ILLEGAL_CHARACTERS
          '#31#91234567'           | ILLEGAL_CHARACTERS
          '91+234567'              | MISPLACED_PLUS
          '++4791234567'           | MISPLACED_PLUS
          '1234567890123456'       | TOO_LONG
          '+4791234567890123'      | TOO_LONG
          '004791234567890123'     | TOO_LONG
          '1'                      | TOO_SHORT
          '0'                      | TOO_SHORT
          '00'                     | TOO_SHORT
          '+1'                     | TOO_SHORT
          '+999 12345678'          | UNKNOWN_COUNTRY_CODE
          """)
  void rejectsWhatCannotBeParsed(String raw, BadNumberReason reason) {
    NormalisedNumber result = normaliser.normalise(raw);

    assertTrue(result.isBad());
    assertEquals(reason, result.badReason());
    assertNull(result.number());
    assertNull(result.numberClass());
    assertNull(result.country());
    assertEquals(0, result.callingCode());
    String digits = raw == null ? "" : raw.replaceAll("\\D", "");
    if (digits.length() >= 3) {
      assertFalse(result.badReason().description().contains(digits));
      assertFalse(result.toString().contains(digits));
    }
  }

  /** Descriptions go into reject details and logs: no digits but the fixed "15". */
  @ParameterizedTest
  @EnumSource(BadNumberReason.class)
  void reasonsNameNoDigits(BadNumberReason reason) {
    String description = reason.description();
    assertFalse(description.isBlank());
    assertTrue(description.replace("15", "").chars().noneMatch(Character::isDigit), description);
  }

  @Test
  void toStringLeavesTheNumberOut() {
    NormalisedNumber result = normaliser.normalise("+4791234567");
    assertFalse(result.toString().contains("91234567"), result.toString());
    assertTrue(result.toString().contains("MOBILE"));
  }

  /** The +47 fast path must give what libphonenumber's own parse gives, for every range. */
  @Test
  void norwegianNumbersMatchLibphonenumber() throws NumberParseException {
    PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    NumberNormaliser uncached = new NumberNormaliser(0);
    Random random = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      String national = String.valueOf(10_000_000 + random.nextInt(90_000_000));
      for (String raw : List.of(national, "+47" + national, "0047" + national)) {
        PhoneNumber reference = util.parse(raw, "NO");
        NormalisedNumber result = uncached.normalise(raw);
        assertEquals(util.format(reference, PhoneNumberFormat.E164), result.number(), raw);
        assertEquals(
            NumberNormaliser.classOf(util.getNumberType(reference)), result.numberClass(), raw);
        String region =
            util.isValidNumber(reference)
                ? util.getRegionCodeForNumber(reference)
                : util.getRegionCodeForCountryCode(47);
        assertEquals(region, result.country(), raw);
      }
    }
  }

  @Test
  void cachedResultsEqualUncachedOnes() {
    NumberNormaliser uncached = new NumberNormaliser(0);
    NumberNormaliser tiny = new NumberNormaliser(2);
    for (String raw :
        List.of("+4791234567", "91234567", "112", "abc", "+46701234567", "91234567", "112")) {
      assertEquals(uncached.normalise(raw), normaliser.normalise(raw), raw);
      assertEquals(uncached.normalise(raw), normaliser.normalise(raw), raw);
      assertEquals(uncached.normalise(raw), tiny.normalise(raw), raw);
    }
  }

  /** Many threads on one small cache (constant collisions) still get each raw value's result. */
  @Test
  void isThreadSafe() throws Exception {
    NumberNormaliser shared = new NumberNormaliser(4);
    NumberNormaliser reference = new NumberNormaliser(0);
    List<String> raws = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      raws.add(String.valueOf(90_000_000 + i * 7919));
      raws.add("+46701" + (100_000 + i));
      raws.add(String.valueOf(100 + i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int seed = t;
        futures.add(
            pool.submit(
                () -> {
                  Random random = new Random(seed);
                  for (int i = 0; i < 20_000; i++) {
                    String raw = raws.get(random.nextInt(raws.size()));
                    assertEquals(reference.normalise(raw), shared.normalise(raw), raw);
                  }
                }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** The slots of one TaskManager share one cache: every thread gets the same normaliser. */
  @Test
  void theSharedNormaliserIsOnePerJvm() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<NumberNormaliser>> seen = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        seen.add(pool.submit(NumberNormaliser::shared));
      }
      for (Future<NumberNormaliser> s : seen) {
        assertSame(NumberNormaliser.shared(), s.get());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(
        new NumberNormaliser(0).normalise("004791234567"),
        NumberNormaliser.shared().normalise("004791234567"));
  }

  /** Flink functions hold it as a field, so it travels serialised to the task managers. */
  @Test
  void survivesJavaSerialisation() throws Exception {
    normaliser.normalise("+4791234567");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(normaliser);
    }
    NumberNormaliser copy;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (NumberNormaliser) in.readObject();
    }
    assertEquals(normaliser.normalise("+4791234567"), copy.normalise("+4791234567"));
  }

  /** e164 is normalise(raw).number() (null when bad), with or without its fast path. */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      value = {
        "91234567",
        "41234567",
        "21234567",
        "81234567",
        "01234567",
        "12345678",
        "49301234",
        "99999999",
        "+4791234567",
        "+4741234567",
        "+4701234567",
        "+47912345678",
        "+479123456",
        "004791234567",
        "004701234567",
        "0047912345678",
        "00479123456",
        "0047 91234567",
        "00479123456a",
        "4791234567",
        "+46701234567",
        "46701234567",
        "9123456a",
        "9123 4567",
        "+47 91234567",
        "+47-91234567",
        "+4 791234567",
        "112",
        "1881",
        "EMPTY",
        "BLANK",
        "NULL",
        "+",
        "++4791234567",
        "\u0669\u0661234567",
        "912345678",
        "9123456",
        "+479123456x",
        "+4891234567",
      })
  void e164EqualsTheNumberOfNormalise(String raw) {
    String value =
        raw == null ? null : raw.equals("EMPTY") ? "" : raw.equals("BLANK") ? " " : unescape(raw);
    NumberNormaliser withCache = new NumberNormaliser();
    NumberNormaliser withoutCache = new NumberNormaliser(0);
    NormalisedNumber n = withoutCache.normalise(value);
    String expected = n.isBad() ? null : n.number();
    assertEquals(expected, withCache.e164(value));
    assertEquals(expected, withoutCache.e164(value));
  }

  @Test
  void e164EqualsTheNumberOfNormaliseOnRandomDigits() {
    Random random = new Random(20);
    NumberNormaliser normaliser = new NumberNormaliser(0);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder sb = new StringBuilder();
      // The plain forms of the fast path and their neighbours (docs/numbers.md).
      sb.append(new String[] {"", "", "+47", "0047", "47"}[random.nextInt(5)]);
      int digits = 7 + random.nextInt(3);
      for (int d = 0; d < digits; d++) {
        sb.append((char) ('0' + random.nextInt(10)));
      }
      String raw = sb.toString();
      NormalisedNumber n = normaliser.normalise(raw);
      assertEquals(n.isBad() ? null : n.number(), normaliser.e164(raw), "for " + raw);
    }
  }

  private static String unescape(String raw) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < raw.length(); i++) {
      if (raw.startsWith("\\u", i)) {
        sb.append((char) Integer.parseInt(raw.substring(i + 2, i + 6), 16));
        i += 5;
      } else {
        sb.append(raw.charAt(i));
      }
    }
    return sb.toString();
  }
}
