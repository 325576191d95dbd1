from decimal import Decimal

from chalicelib.domain.channels import EMAIL, SMS, WHATSAPP, WHATSAPP_MARKETING, PriceTable, Reachability, route

ALL = (WHATSAPP, EMAIL, SMS)


def test_the_clients_choice_comes_first_then_the_salons_order():
    reach = Reachability(email="a@example.com", whatsapp_consent=True, preferred=SMS)
    assert route(reach, ALL) == (SMS, WHATSAPP, EMAIL)


def test_a_channel_that_cannot_reach_the_client_is_left_out():
    assert route(Reachability(email="a@example.com", email_suppressed=True), ALL) == (SMS,)
    assert route(Reachability(sms_opt_out=True, email="a@example.com"), ALL) == (EMAIL,)
    assert route(Reachability(sms_opt_out=True), ALL) == ()


def test_only_the_channels_the_salon_enabled_are_used():
    reach = Reachability(email="a@example.com", whatsapp_consent=True, preferred=WHATSAPP)
    assert route(reach, (SMS, EMAIL)) == (EMAIL, SMS)


def test_sms_costs_per_part_and_whatsapp_is_free_inside_the_clients_window():
    prices = PriceTable()
    assert prices.estimate(SMS, "IT", parts=2) == Decimal("0.1800")
    assert prices.estimate(WHATSAPP, "IT") == Decimal("0.0300")
    assert prices.estimate(WHATSAPP, "IT", in_service_window=True) == 0


def test_a_whatsapp_offer_costs_the_marketing_rate_even_inside_the_clients_window():
    prices = PriceTable()
    assert prices.estimate(WHATSAPP, "IT", marketing=True) == Decimal("0.0691")
    assert prices.estimate(WHATSAPP, "IT", in_service_window=True, marketing=True) == Decimal("0.0691")
    assert prices.estimate(SMS, "IT", marketing=True) == Decimal("0.0900")  # an SMS part is one price
    owned = PriceTable(overrides={WHATSAPP_MARKETING: {"IT": Decimal("0.05")}})
    assert owned.estimate(WHATSAPP, "IT", marketing=True) == Decimal("0.05")
    assert owned.estimate(WHATSAPP, "IT") == Decimal("0.0300")  # the utility rate is its own


def test_the_owners_price_wins_over_the_published_one_and_unknown_countries_use_the_default():
    prices = PriceTable(overrides={SMS: {"IT": Decimal("0.05")}})
    assert prices.estimate(SMS, "it") == Decimal("0.05")
    assert prices.estimate(SMS, "FR") == Decimal("0.0900")
