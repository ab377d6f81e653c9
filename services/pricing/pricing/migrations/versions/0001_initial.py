"""Rules (categories, products, standard prices, price lists and items, promotions, coupons,
gift rules), the version counter and change log, customers' groups, sale orders, redemptions
and their counts, and the chassis outbox/inbox.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from chassis.events import create_event_tables, drop_event_tables


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_event_tables(op)
    op.create_table('categories',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('code', sa.String(length=50), nullable=False),
    sa.Column('name_th', sa.String(length=255), nullable=False),
    sa.Column('name_en', sa.String(length=255), nullable=False),
    sa.Column('parent_id', sa.String(length=80), nullable=True),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_categories')),
    sa.UniqueConstraint('code', name=op.f('uq_categories_code'))
    )
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.create_index('ix_categories_seq', ['seq'], unique=False)

    op.create_table('coupons',
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('promotion_id', sa.String(length=80), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('single_use', sa.Boolean(), nullable=False),
    sa.Column('limit_total', sa.Integer(), nullable=True),
    sa.Column('limit_per_customer', sa.Integer(), nullable=True),
    sa.Column('customer_id', sa.String(length=80), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_coupons'))
    )
    with op.batch_alter_table('coupons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coupons_promotion_id'), ['promotion_id'], unique=False)
        batch_op.create_index('ix_coupons_seq', ['seq'], unique=False)

    op.create_table('gift_rules',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('gift_product_ids', sa.Text(), nullable=False),
    sa.Column('gift_unit', sa.String(length=30), nullable=False),
    sa.Column('gift_quantity', sa.String(length=40), nullable=False),
    sa.Column('buy_quantity', sa.String(length=40), nullable=False),
    sa.Column('recursive', sa.Boolean(), nullable=False),
    sa.Column('product_ids', sa.Text(), nullable=False),
    sa.Column('category_ids', sa.Text(), nullable=False),
    sa.Column('min_order_amount', sa.String(length=40), nullable=True),
    sa.Column('customer_ids', sa.Text(), nullable=False),
    sa.Column('group_ids', sa.Text(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gift_rules'))
    )
    with op.batch_alter_table('gift_rules', schema=None) as batch_op:
        batch_op.create_index('ix_gift_rules_seq', ['seq'], unique=False)

    op.create_table('price_list_items',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('price_list_id', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('product_id', sa.String(length=80), nullable=True),
    sa.Column('unit', sa.String(length=30), nullable=True),
    sa.Column('category_id', sa.String(length=80), nullable=True),
    sa.Column('min_quantity', sa.String(length=40), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('fixed_price', sa.String(length=40), nullable=True),
    sa.Column('percent', sa.String(length=40), nullable=True),
    sa.Column('base', sa.String(length=20), nullable=False),
    sa.Column('base_price_list_id', sa.String(length=80), nullable=True),
    sa.Column('rounding_multiple', sa.String(length=40), nullable=True),
    sa.Column('rounding_offset', sa.String(length=40), nullable=False),
    sa.Column('surcharge', sa.String(length=40), nullable=False),
    sa.Column('min_margin', sa.String(length=40), nullable=True),
    sa.Column('max_margin', sa.String(length=40), nullable=True),
    sa.Column('tiers', sa.Text(), nullable=False),
    sa.Column('tier_mode', sa.String(length=20), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_list_items'))
    )
    with op.batch_alter_table('price_list_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_price_list_items_price_list_id'), ['price_list_id'], unique=False)
        batch_op.create_index('ix_price_list_items_seq', ['seq'], unique=False)

    op.create_table('price_lists',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('vat_inclusive', sa.Boolean(), nullable=False),
    sa.Column('customer_ids', sa.Text(), nullable=False),
    sa.Column('group_ids', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_lists'))
    )
    with op.batch_alter_table('price_lists', schema=None) as batch_op:
        batch_op.create_index('ix_price_lists_seq', ['seq'], unique=False)

    op.create_table('pricing_changes',
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('rule_id', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('version', 'kind', 'rule_id', name=op.f('pk_pricing_changes'))
    )
    op.create_table('pricing_customers',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('group_ids', sa.Text(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pricing_customers'))
    )
    op.create_table('pricing_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('usage_version', sa.BigInteger(), nullable=False),
    sa.Column('next_seq', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pricing_state'))
    )
    op.create_table('products',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('sku', sa.String(length=80), nullable=False),
    sa.Column('name_th', sa.String(length=255), nullable=False),
    sa.Column('name_en', sa.String(length=255), nullable=False),
    sa.Column('base_unit', sa.String(length=30), nullable=False),
    sa.Column('category_id', sa.String(length=80), nullable=True),
    sa.Column('units', sa.Text(), nullable=False),
    sa.Column('vat_class', sa.String(length=20), nullable=False),
    sa.Column('cost', sa.String(length=40), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_products')),
    sa.UniqueConstraint('sku', name=op.f('uq_products_sku'))
    )
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.create_index('ix_products_seq', ['seq'], unique=False)

    op.create_table('promotions',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('reward', sa.String(length=20), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('promotion_group', sa.String(length=80), nullable=True),
    sa.Column('exclusive', sa.Boolean(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('customer_ids', sa.Text(), nullable=False),
    sa.Column('group_ids', sa.Text(), nullable=False),
    sa.Column('product_ids', sa.Text(), nullable=False),
    sa.Column('category_ids', sa.Text(), nullable=False),
    sa.Column('min_quantity', sa.String(length=40), nullable=True),
    sa.Column('min_amount', sa.String(length=40), nullable=True),
    sa.Column('percent', sa.String(length=40), nullable=True),
    sa.Column('amount', sa.String(length=40), nullable=True),
    sa.Column('buy_quantity', sa.String(length=40), nullable=True),
    sa.Column('get_quantity', sa.String(length=40), nullable=True),
    sa.Column('min_spend', sa.String(length=40), nullable=True),
    sa.Column('cap', sa.String(length=40), nullable=True),
    sa.Column('coupon_required', sa.Boolean(), nullable=False),
    sa.Column('usage_limit_total', sa.Integer(), nullable=True),
    sa.Column('usage_limit_per_customer', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promotions'))
    )
    with op.batch_alter_table('promotions', schema=None) as batch_op:
        batch_op.create_index('ix_promotions_seq', ['seq'], unique=False)

    op.create_table('redemptions',
    sa.Column('sale_order_id', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('promotion_id', sa.String(length=80), nullable=False),
    sa.Column('coupon_code', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('sale_order_id', 'position', name=op.f('pk_redemptions'))
    )
    op.create_table('sale_orders',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('customer_id', sa.String(length=80), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sale_orders'))
    )
    op.create_table('standard_prices',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('product_id', sa.String(length=80), nullable=False),
    sa.Column('unit', sa.String(length=30), nullable=False),
    sa.Column('amount', sa.String(length=40), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_standard_prices'))
    )
    with op.batch_alter_table('standard_prices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_standard_prices_product_id'), ['product_id'], unique=False)
        batch_op.create_index('ix_standard_prices_seq', ['seq'], unique=False)

    op.create_table('usage_counts',
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('rule_id', sa.String(length=80), nullable=False),
    sa.Column('customer_id', sa.String(length=80), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('usage_version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'rule_id', 'customer_id', name=op.f('pk_usage_counts'))
    )
    with op.batch_alter_table('usage_counts', schema=None) as batch_op:
        batch_op.create_index('ix_usage_counts_customer', ['customer_id', 'usage_version'], unique=False)

    state = sa.table(
        "pricing_state",
        sa.column("id", sa.Integer),
        sa.column("version", sa.BigInteger),
        sa.column("usage_version", sa.BigInteger),
        sa.column("next_seq", sa.BigInteger),
    )
    op.bulk_insert(state, [{"id": 1, "version": 0, "usage_version": 0, "next_seq": 1}])


def downgrade() -> None:
    with op.batch_alter_table('usage_counts', schema=None) as batch_op:
        batch_op.drop_index('ix_usage_counts_customer')

    op.drop_table('usage_counts')
    with op.batch_alter_table('standard_prices', schema=None) as batch_op:
        batch_op.drop_index('ix_standard_prices_seq')
        batch_op.drop_index(batch_op.f('ix_standard_prices_product_id'))

    op.drop_table('standard_prices')
    op.drop_table('sale_orders')
    op.drop_table('redemptions')
    with op.batch_alter_table('promotions', schema=None) as batch_op:
        batch_op.drop_index('ix_promotions_seq')

    op.drop_table('promotions')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_index('ix_products_seq')

    op.drop_table('products')
    op.drop_table('pricing_state')
    op.drop_table('pricing_customers')
    op.drop_table('pricing_changes')
    with op.batch_alter_table('price_lists', schema=None) as batch_op:
        batch_op.drop_index('ix_price_lists_seq')

    op.drop_table('price_lists')
    with op.batch_alter_table('price_list_items', schema=None) as batch_op:
        batch_op.drop_index('ix_price_list_items_seq')
        batch_op.drop_index(batch_op.f('ix_price_list_items_price_list_id'))

    op.drop_table('price_list_items')
    with op.batch_alter_table('gift_rules', schema=None) as batch_op:
        batch_op.drop_index('ix_gift_rules_seq')

    op.drop_table('gift_rules')
    with op.batch_alter_table('coupons', schema=None) as batch_op:
        batch_op.drop_index('ix_coupons_seq')
        batch_op.drop_index(batch_op.f('ix_coupons_promotion_id'))

    op.drop_table('coupons')
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.drop_index('ix_categories_seq')

    op.drop_table('categories')
    drop_event_tables(op)
