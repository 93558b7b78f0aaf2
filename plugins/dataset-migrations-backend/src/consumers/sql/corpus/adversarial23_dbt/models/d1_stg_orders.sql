with source as (

    select * from {{ source('shop', 'orders') }}

),

renamed as (

    select
        id as order_id,
        customer_id,
        qty as quantity,
        amount_cents,
        status,
        placed as placed_on
    from source

)

select * from renamed
